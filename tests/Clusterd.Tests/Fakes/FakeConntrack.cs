using ClusterControl.Firewall;
using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>A conntrack table in memory: what a test puts in is what a dump returns.</summary>
public sealed class FakeConntrack : IConntrack
{
    public List<TrackedConnection> Connections { get; } = [];

    public List<MasqueradeEntry> MasqueradedEntries { get; } = [];

    public IReadOnlyList<TrackedConnection> Clustered() => [.. Connections];

    public IReadOnlyList<MasqueradeEntry> Masqueraded() => [.. MasqueradedEntries];
}
