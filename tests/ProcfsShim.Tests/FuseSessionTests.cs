using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim.Tests;

/// <summary>The protocol layer, serving the status file system to a stand-in for the kernel.</summary>
public sealed class FuseSessionTests : IDisposable
{
    private readonly BlockingCollection<string> _trace = [];
    private readonly KernelStandIn<StatusFileSystem.Node> _kernel;

    public FuseSessionTests() => _kernel = new(new StatusFileSystem("/nonexistent.sock"), _trace.Add);

    private void Send(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body) => _kernel.Send(opcode, node, body);

    private (int Error, byte[] Payload) Ask(FuseOpcode opcode, ulong node, ReadOnlySpan<byte> body) => _kernel.Ask(opcode, node, body);

    private static byte[] Bytes<T>(T value) where T : struct => StructBytes.Of(value);

    private ulong LookUpTheStatusFile()
    {
        var (error, payload) = Ask(FuseOpcode.Lookup, NodeTable<StatusFileSystem.Node>.RootId, Encoding.UTF8.GetBytes(StatusFileSystem.FileName + "\0"));
        Assert.Equal(0, error);
        return MemoryMarshal.Read<FuseEntryOut>(payload).NodeId;
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

    public void Dispose() => _kernel.Dispose();
}
