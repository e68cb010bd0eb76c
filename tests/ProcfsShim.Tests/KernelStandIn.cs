using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim.Tests;

/// <summary>
/// A stand-in for the kernel side of /dev/fuse, serving a file system through a real
/// <see cref="FuseSession{TNode}"/>: a SOCK_SEQPACKET socket pair keeps message boundaries as
/// /dev/fuse does, one request or reply per read. No root, no mount.
/// </summary>
public sealed unsafe class KernelStandIn<TNode> : IDisposable where TNode : notnull
{
    private readonly int _kernel;
    private readonly FuseDevice _device;
    private readonly Thread _server;
    private ulong _unique;

    public KernelStandIn(IFuseFileSystem<TNode> fileSystem, Action<string>? trace = null)
    {
        int* pair = stackalloc int[2];
        Assert.Equal(0, LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair));
        _kernel = pair[0];
        _device = FuseDevice.Adopt(pair[1], "/nonexistent");
        var session = new FuseSession<TNode>(_device, fileSystem, trace);
        _server = new Thread(session.Run) { IsBackground = true };
        _server.Start();
    }

    /// <summary>Sends a request and does not wait for a reply (FORGET gets none).</summary>
    public void Send(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body)
    {
        int headerSize = Unsafe.SizeOf<FuseInHeader>();
        var header = new FuseInHeader { Length = (uint)(headerSize + body.Length), Opcode = opcode, Unique = ++_unique, NodeId = node };
        var message = new byte[header.Length];
        MemoryMarshal.Write(message, in header);
        body.CopyTo(message.AsSpan(headerSize));
        Assert.Equal(message.Length, LinuxFs.write(_kernel, message));
    }

    /// <summary>Sends a request and reads its reply: minus the errno (or 0), and the payload.</summary>
    public (int Error, byte[] Payload) Ask(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body)
    {
        Send(opcode, node, body);
        var reply = new byte[64 * 1024];
        int length = (int)LinuxFs.read(_kernel, reply);
        var header = MemoryMarshal.Read<FuseOutHeader>(reply);
        Assert.Equal(_unique, header.Unique);
        Assert.Equal((uint)length, header.Length);
        return (header.Error, reply[Unsafe.SizeOf<FuseOutHeader>()..length]);
    }

    public void Dispose()
    {
        _ = LibC.close(_kernel); // the workers read end of file and return
        Assert.True(_server.Join(TimeSpan.FromSeconds(10)));
        _device.Dispose();
    }
}

/// <summary>A FUSE struct as the bytes of a request body.</summary>
public static class StructBytes
{
    public static byte[] Of<T>(T value) where T : struct
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        MemoryMarshal.Write(bytes, in value);
        return bytes;
    }
}
