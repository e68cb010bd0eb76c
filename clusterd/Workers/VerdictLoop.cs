using System.Diagnostics;
using Clusterd.Core;
using Clusterd.Kernel;
using Clusterd.Kernel.Queue;
using static Clusterd.Kernel.Queue.NfQueueMessages;

namespace Clusterd.Workers;

/// <summary>
/// Decides the first packet of every new clustered connection: the queue rule tagged it with its
/// cluster rule; the scheduler picks a node; the verdict accepts it with the node's mark (which
/// nftables saves into the conntrack mark). No node → the packet is dropped, as the 1997 kernel
/// dropped what it could not forward. One thread per queue.
/// </summary>
/// <remarks>
/// Every packet is counted by its <see cref="PacketKind"/> (<see cref="ClusterService.Packets"/>):
/// one that is not an IPv4 packet whose flow can be read is dropped, never scheduled.
/// At debug level 1 and above, every <see cref="ReportEvery"/> the loop logs its verdict rate and
/// the time from the kernel receiving a packet to its verdict (when the kernel timestamps packets).
/// An <paramref name="observer"/> (the metrics) is told of every verdict. With a
/// <paramref name="realTimePriority"/> the thread runs under SCHED_FIFO (<see cref="RealTimePriority"/>);
/// if the kernel refuses, it says so once and runs as any other thread.
/// </remarks>
public sealed class VerdictLoop(NfQueue queue, ClusterService service, IVerdictObserver? observer = null, int? realTimePriority = null)
    : WorkerLoop($"nfqueue-{queue.Number}")
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(10);

    private readonly LatencyHistogram _latency = new();
    private readonly Stopwatch _sinceReport = Stopwatch.StartNew();
    private long _verdicts;
    /// <summary><see cref="Decide"/> as a delegate made once, not per batch of packets.</summary>
    private Func<QueuedPacket, (uint Verdict, uint Mark)>? _decide;

    protected override void OnThreadStart()
    {
        if (realTimePriority is { } priority && RealTimePriority.TryApplyToCurrentThread(priority) is { } refusal)
            Log.Error($"{Name}: cannot run at real-time priority {priority} ({refusal}); running at normal priority");
    }

    protected override void RunOnce()
    {
        queue.ProcessBatch(_decide ??= Decide, StepTimeoutMs);
        if (_sinceReport.Elapsed >= ReportEvery) Report();
    }

    private (uint Verdict, uint Mark) Decide(QueuedPacket packet)
    {
        var kind = packet.Kind is PacketKind.NoPacketId || Marks.IsRule(packet.Mark) ? packet.Kind : PacketKind.Untagged;
        service.Packets.Count(kind);
        if (kind == PacketKind.Untagged) return (NF_ACCEPT, packet.Mark); // not tagged by a cluster rule: not ours to decide
        if (!kind.IsSchedulable()) return (NF_DROP, 0u);
        bool midStream = kind == PacketKind.MidStream;
        var node = service.Schedule(Marks.RuleOf(packet.Mark), packet.Flow, midStream);
        if (node is null && !midStream) service.Packets.DroppedNoNode(); // a connection begun elsewhere is counted by its kind
        _verdicts++;
        long? latency = packet.ArrivalMicroseconds is { } arrival ? (DateTime.UtcNow - DateTime.UnixEpoch).Ticks / 10 - arrival : null;
        if (latency is { } microseconds) _latency.Record(microseconds);
        observer?.Decided(node is not null, latency);
        if (Log.DebugLevel >= 2)
            Log.Debug(2, $"{packet.Flow.Source}:{packet.Flow.SourcePort} -> {packet.Flow.Destination}:{packet.Flow.DestinationPort} rule {Marks.RuleOf(packet.Mark)}: {(node is null ? "no node, dropped" : node.Address.ToString())}");
        return node is null ? (NF_DROP, 0u) : (NF_ACCEPT, Marks.ForNode(node.Id));
    }

    private void Report()
    {
        if (_verdicts > 0 && Log.DebugLevel >= 1)
        {
            string latency = _latency.Count > 0
                ? $", arrival to verdict p50 {_latency.Percentile(0.5):F0} us p99 {_latency.Percentile(0.99):F0} us p99.9 {_latency.Percentile(0.999):F0} us"
                : "";
            Log.Debug(1, $"queue {queue.Number}: {_verdicts} verdicts in {_sinceReport.Elapsed.TotalSeconds:F1} s ({_verdicts / _sinceReport.Elapsed.TotalSeconds:F0}/s){latency}");
        }
        _verdicts = 0;
        _latency.Clear();
        _sinceReport.Restart();
    }

    protected override void Release() => queue.Dispose();
}
