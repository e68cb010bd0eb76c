using ClusterControl.Firewall;
using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>A conntrack table in memory: what a test puts in is what a dump returns, unless the test makes it unreadable.</summary>
public sealed class FakeConntrack : IConntrack
{
    public List<TrackedConnection> Connections { get; } = [];

    public List<MasqueradeEntry> MasqueradedEntries { get; } = [];

    /// <summary>When set, every dump fails as a netlink error makes the real one fail.</summary>
    public bool Unreadable { get; set; }

    public void VisitClustered(Action<TrackedConnection> visit)
    {
        if (Unreadable) throw Failure();
        Connections.ToList().ForEach(visit);
    }

    public IReadOnlyList<MasqueradeEntry> Masqueraded() => Unreadable ? throw Failure() : [.. MasqueradedEntries];

    public int Delete(IReadOnlyCollection<Flow> flows)
    {
        if (Unreadable) throw Failure();
        var gone = flows.ToHashSet();
        return Connections.RemoveAll(c => gone.Contains(c.Flow));
    }

    private static KernelRefusedException Failure() => new("reading conntrack: test");
}
