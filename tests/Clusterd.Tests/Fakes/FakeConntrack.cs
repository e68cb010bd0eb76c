using ClusterControl.Firewall;
using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>A conntrack table in memory: what a test puts in is what a dump or lookup returns, unless the test makes it unreadable.</summary>
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

    /// <summary>The flows the last lookups asked for, in order.</summary>
    public List<Flow> LookedUp { get; } = [];

    public void LookUpClustered(IEnumerable<Flow> flows, Action<TrackedConnection> visit)
    {
        if (Unreadable) throw Failure();
        var held = Connections.ToDictionary(c => c.Flow);
        LookedUp.Clear();
        foreach (var flow in flows)
        {
            LookedUp.Add(flow);
            if (held.TryGetValue(flow, out var connection)) visit(connection);
        }
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
