using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.Kernel.Conntrack;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Kernel;

/// <summary>The core's view of conntrack, read by ctnetlink dumps and lookups.</summary>
public sealed class KernelConntrack : IConntrack
{
    public void VisitClustered(Action<TrackedConnection> visit) =>
        Dump(Marks.NodeTag, entry => VisitIfClustered(entry, visit));

    public void LookUpClustered(IEnumerable<Flow> flows, Action<TrackedConnection> visit) =>
        KernelCall.Run("looking up conntrack entries", () => ConntrackLookup.Read(flows, entry => VisitIfClustered(entry, visit)));

    /// <summary>An entry whose mark names a node is a clustered connection.</summary>
    private static void VisitIfClustered(ConntrackEntry entry, Action<TrackedConnection> visit)
    {
        if (Marks.IsNode(entry.Mark))
            visit(new TrackedConnection(entry.Flow, Marks.NodeOf(entry.Mark), entry.IsClosing, entry.TimeoutSeconds) { IsOpening = entry.IsOpening });
    }

    public IReadOnlyList<MasqueradeEntry> Masqueraded()
    {
        var entries = new List<MasqueradeEntry>();
        Dump(0, entry =>
        {
            if (!entry.SourceNatted || entry.Reply is not { } reply) return;
            if (entry.Flow.Protocol is not (Flow.Tcp or Flow.Udp)) return;
            entries.Add(new MasqueradeEntry(
                entry.Flow.Protocol == Flow.Tcp ? RuleProtocol.Tcp : RuleProtocol.Udp,
                entry.Flow.Source, entry.Flow.SourcePort, entry.Flow.Destination, entry.Flow.DestinationPort,
                reply.DestinationPort, entry.TimeoutSeconds * 100,
                entry.OriginalSequence.CorrectionPosition, entry.OriginalSequence.OffsetAfter, entry.OriginalSequence.OffsetBefore));
        });
        return entries;
    }

    public int Delete(IReadOnlyCollection<Flow> flows) =>
        KernelCall.Run("deleting conntrack entries", () => ConntrackDelete.Flows(flows));

    private static void Dump(uint markBits, Action<ConntrackEntry> visit) =>
        KernelCall.Run("reading conntrack", () => ConntrackDump.Read(markBits, visit));
}
