using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim.Tests;

/// <summary>
/// The protocol layer against a stand-in for the kernel: a SOCK_SEQPACKET socket pair keeps
/// message boundaries as /dev/fuse does, one request or reply per read. No root, no mount.
/// </summary>
public sealed unsafe class FuseSessionTests : IDisposable
{
    private readonly int _kernel;
    private readonly FuseDevice _device;
    private readonly Thread _server;
    private readonly BlockingCollection<string> _trace = [];
    private ulong _unique;

    public FuseSessionTests()
    {
        int* pair = stackalloc int[2];
        Assert.Equal(0, LibC.socketpair(LibC.AF_UNIX, LibC.SOCK_SEQPACKET | LibC.SOCK_CLOEXEC, 0, pair));
        _kernel = pair[0];
        _device = FuseDevice.Adopt(pair[1], "/nonexistent");
        var session = new FuseSession<StatusFileSystem.Node>(_device, new StatusFileSystem("/nonexistent.sock"), _trace.Add);
        _server = new Thread(session.Run) { IsBackground = true };
        _server.Start();
    }

    private void Send(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body)
    {
        int headerSize = Unsafe.SizeOf<FuseInHeader>();
        var header = new FuseInHeader { Length = (uint)(headerSize + body.Length), Opcode = opcode, Unique = ++_unique, NodeId = node };
        var message = new byte[header.Length];
        MemoryMarshal.Write(message, in header);
        body.CopyTo(message.AsSpan(headerSize));
        Assert.Equal(message.Length, LinuxFs.write(_kernel, message));
    }

    /// <summary>Sends a request and reads its reply: minus the errno (or 0), and the payload.</summary>
    private (int Error, byte[] Payload) Ask(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body)
    {
        Send(opcode, node, body);
        var reply = new byte[64 * 1024];
        int length = (int)LinuxFs.read(_kernel, reply);
        var header = MemoryMarshal.Read<FuseOutHeader>(reply);
        Assert.Equal(_unique, header.Unique);
        Assert.Equal((uint)length, header.Length);
        return (header.Error, reply[Unsafe.SizeOf<FuseOutHeader>()..length]);
    }

    private ulong LookUpTheStatusFile()
    {
        var (error, payload) = Ask(FuseOpcode.Lookup, NodeTable<StatusFileSystem.Node>.RootId, Encoding.UTF8.GetBytes(StatusFileSystem.FileName + "\0"));
        Assert.Equal(0, error);
        return MemoryMarshal.Read<FuseEntryOut>(payload).NodeId;
    }

    private static byte[] Bytes<T>(T value) where T : struct
    {
        var bytes = new byte[Unsafe.SizeOf<T>()];
        MemoryMarshal.Write(bytes, in value);
        return bytes;
    }

    [Fact]
    public void ANodeKeepsItsIdWhileLookedUpAndIsReleasedWhenForgotten()
    {
        ulong first = LookUpTheStatusFile();
        Assert.Equal(first, LookUpTheStatusFile());

        Send(FuseOpcode.Forget, first, Bytes(new FuseForgetIn { Lookups = 2 }));
        Assert.Equal("kernel forgot 1 node(s), 1 held", _trace.Take(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token));
        Assert.Equal(-LibC.ENOENT, Ask(FuseOpcode.GetAttr, first, []).Error); // a released id names nothing

        ulong second = LookUpTheStatusFile();
        Assert.NotEqual(first, second);
        byte[] batch = [.. Bytes(new FuseBatchForgetIn { Count = 2 }), .. Bytes(new FuseForgetOne { NodeId = second, Lookups = 1 }), .. Bytes(new FuseForgetOne { NodeId = 12345, Lookups = 1 })];
        Send(FuseOpcode.BatchForget, 0, batch);
        Assert.Equal("kernel forgot 2 node(s), 1 held", _trace.Take(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token));
    }

    [Fact]
    public void AMissingCapabilityIsAnsweredEnosysAndAChangeErofs()
    {
        Assert.Equal(-LibC.ENOSYS, Ask(FuseOpcode.ReadLink, NodeTable<StatusFileSystem.Node>.RootId, []).Error); // StatusFileSystem has no links
        Assert.Equal(-LibC.EROFS, Ask(FuseOpcode.MkDir, NodeTable<StatusFileSystem.Node>.RootId, new byte[16]).Error);
    }

    [Fact]
    public void AMalformedRequestFailsAloneAndTheSessionGoesOn()
    {
        Assert.Equal(-LibC.EIO, Ask(FuseOpcode.Open, NodeTable<StatusFileSystem.Node>.RootId, [1]).Error); // too short for fuse_open_in
        Assert.Equal(0, Ask(FuseOpcode.GetAttr, NodeTable<StatusFileSystem.Node>.RootId, []).Error);
    }

    public void Dispose()
    {
        _ = LibC.close(_kernel); // the workers read end of file and return
        Assert.True(_server.Join(TimeSpan.FromSeconds(10)));
        _device.Dispose();
    }
}
