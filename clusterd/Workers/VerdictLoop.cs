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
public sealed class VerdictLoop(NfQueue queue, ClusterService service) : IDisposable
{
    private Thread? _thread;
    private volatile bool _stopping;

    public void Start()
    {
        _thread = new Thread(Run) { Name = $"nfqueue-{queue.Number}", IsBackground = true };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stopping)
        {
            try
            {
                queue.ProcessBatch(Decide, timeoutMs: 250);
            }
            catch (Kernel.Netlink.NetlinkException e)
            {
                Log.Error($"queue {queue.Number}: {e.Message}");
                Thread.Sleep(100);
            }
        }
    }

    private (uint Verdict, uint Mark) Decide(QueuedPacket packet)
    {
        if (!Marks.IsRule(packet.Mark)) return (NF_ACCEPT, packet.Mark); // not tagged by a cluster rule: not ours to decide
        var node = service.Schedule(Marks.RuleOf(packet.Mark), packet.Flow);
        if (Log.DebugLevel >= 2)
            Log.Debug(2, $"{packet.Flow.Source}:{packet.Flow.SourcePort} -> {packet.Flow.Destination}:{packet.Flow.DestinationPort} rule {Marks.RuleOf(packet.Mark)}: {(node is null ? "no node, dropped" : node.Address.ToString())}");
        return node is null ? (NF_DROP, 0u) : (NF_ACCEPT, Marks.ForNode(node.Mark));
    }

    public void Dispose()
    {
        _stopping = true;
        _thread?.Join();
        queue.Dispose();
    }
}
