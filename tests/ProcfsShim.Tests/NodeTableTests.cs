using ProcfsShim.Fuse;

namespace ProcfsShim.Tests;

/// <summary>The protocol layer's node lifetimes, as pure logic: no kernel, no mount.</summary>
public sealed class NodeTableTests
{
    private readonly NodeTable<string> _nodes = new("");

    [Fact]
    public void TheRootIsThereFromTheStartAndNeverForgotten()
    {
        Assert.True(_nodes.TryGet(NodeTable<string>.RootId, out string? root));
        Assert.Equal("", root);
        _nodes.Forget(NodeTable<string>.RootId, 1000);
        Assert.True(_nodes.TryGet(NodeTable<string>.RootId, out _));
        Assert.Equal(1, _nodes.Count);
    }

    [Fact]
    public void TheSameNodeKeepsItsIdWhileHeldAndIsReleasedWhenEveryLookupIsForgotten()
    {
        ulong first = _nodes.Remember("/net");
        Assert.Equal(first, _nodes.Remember("/net"));
        Assert.NotEqual(first, _nodes.Remember("/sys"));
        Assert.Equal(3, _nodes.Count);

        _nodes.Forget(first, 1);
        Assert.True(_nodes.TryGet(first, out string? net));
        Assert.Equal("/net", net);
        _nodes.Forget(first, 1);
        Assert.False(_nodes.TryGet(first, out _));
        Assert.Equal(2, _nodes.Count);
    }

    [Fact]
    public void ANodeLookedUpAgainAfterItsReleaseGetsAFreshId()
    {
        ulong first = _nodes.Remember("/net");
        _nodes.Forget(first, 1);
        ulong second = _nodes.Remember("/net");
        Assert.NotEqual(first, second);
        Assert.False(_nodes.TryGet(first, out _)); // a stale id never names the new node
    }

    [Fact]
    public void ForgettingMoreThanWasLookedUpOrAnUnknownIdDoesNoHarm()
    {
        ulong id = _nodes.Remember("/net");
        _nodes.Forget(id, ulong.MaxValue);
        _nodes.Forget(id, 1);
        _nodes.Forget(12345, 1);
        Assert.Equal(1, _nodes.Count);
    }

    [Fact]
    public void ConcurrentLookupsAndForgetsBalanceOut()
    {
        string[] paths = [.. Enumerable.Range(0, 64).Select(i => $"/{i}")];
        Parallel.For(0, 8, _ =>
        {
            for (int round = 0; round < 2000; round++)
            {
                string path = paths[round % paths.Length];
                _nodes.Forget(_nodes.Remember(path), 1);
            }
        });
        Assert.Equal(1, _nodes.Count);
    }
}
