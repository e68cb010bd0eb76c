using ClusterControl.Firewall;
using Clusterd.Kernel.Conntrack;
using Clusterd.Kernel.Queue;

namespace Clusterd.Firewall;

/// <summary>ipfwadm -M -l: the connections the kernel masquerades now, read from conntrack.</summary>
public static class MasqueradedConnections
{
    public static List<MasqueradeEntry> Read()
    {
        var entries = new List<MasqueradeEntry>();
        ConntrackDump.Read(0, entry =>
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
}
