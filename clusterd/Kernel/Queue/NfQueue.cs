using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Queue.NfQueueMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Queue;

/// <summary>
/// One bound NFQUEUE queue: receives the packets the queue rule sends, answers verdicts.
/// Verdicts for one received batch are written into one buffer and sent with one send().
/// </summary>
public sealed class NfQueue : IDisposable
{
    /// <summary>Only the IP and transport headers are needed to schedule a connection.</summary>
    private const uint CopyRange = 64;
    /// <summary>
    /// Fail-closed, the queue is all there is: room for a long burst of new connections (each queued
    /// packet waits in the kernel, not here), beyond which the kernel drops.
    /// </summary>
    private const uint FailClosedQueueLength = 65536;

    /// <summary>
    /// Fail-open, a packet finding the queue full goes to the kernel's fallback hash at once, so a
    /// short queue is better: clusterd drains 128 packets in a few milliseconds, so a running
    /// clusterd rarely overflows it outside a flood, while a clusterd that stalls (stopped, swapping,
    /// stuck) holds at most 128 new connections waiting for it — the rest go on without it.
    /// </summary>
    public const uint FailOpenQueueLength = 128;

    /// <summary>A large receive buffer absorbs bursts of new connections while a batch is being decided.</summary>
    private readonly NetlinkSocket _socket = new(receiveBuffer: 32 << 20);
    private readonly NetlinkWriter _verdicts = new(64 * 1024);
    /// <summary>Room for a burst: each queued packet arrives as its own small datagram.</summary>
    private readonly DatagramBatch _received = new(slots: 64, slotSize: 1024);

    public ushort Number { get; }

    /// <param name="failOpen">A full queue (or a full socket buffer) lets the packet on undecided,
    /// to the kernel's fallback, instead of dropping it.</param>
    public NfQueue(ushort number, bool failOpen)
    {
        Number = number;
        _socket.IgnoreOverruns();
        // Config messages in one datagram, each acknowledged: bind, then what to copy, then the queue's length and flags.
        var config = new NetlinkWriter(256);
        BeginConfig(config);
        config.Attribute(NFQA_CFG_CMD, new QueueConfigCommand(NFQNL_CFG_CMD_BIND, AF_INET));
        config.End();
        BeginConfig(config);
        config.Attribute(NFQA_CFG_PARAMS, new QueueConfigParameters(CopyRange, NFQNL_COPY_PACKET));
        config.End();
        BeginConfig(config);
        config.BigEndian32(NFQA_CFG_QUEUE_MAXLEN, failOpen ? FailOpenQueueLength : FailClosedQueueLength);
        config.End();
        BeginConfig(config);
        config.BigEndian32(NFQA_CFG_FLAGS, failOpen ? NFQA_CFG_F_FAIL_OPEN : 0);
        config.BigEndian32(NFQA_CFG_MASK, NFQA_CFG_F_FAIL_OPEN);
        config.End();
        KernelCall.Run($"cannot bind NFQUEUE {Number}", () => _socket.Acknowledged(config, "nfnetlink_queue"));
    }

    private void BeginConfig(NetlinkWriter config) =>
        config.Begin(MessageType(NFNL_SUBSYS_QUEUE, CONFIG), NLM_F_REQUEST | NLM_F_ACK, AF_UNSPEC, Number);

    /// <summary>
    /// Waits for packets, asks <paramref name="decide"/> for each one's verdict and mark, and sends
    /// all verdicts of the batch at once (a message without a packet id is decided but not answered).
    /// Returns false on timeout or when nothing usable arrived.
    /// </summary>
    public bool ProcessBatch(Func<QueuedPacket, (uint Verdict, uint Mark)> decide, int timeoutMs)
    {
        if (_socket.ReceiveMany(_received, timeoutMs) == 0) return false;
        _verdicts.Clear();
        for (int i = 0; i < _received.Count; i++) Decide(_received[i], decide);
        if (_verdicts.Length > 0) _socket.Send(_verdicts.Written);
        return true;
    }

    private void Decide(ReadOnlySpan<byte> datagram, Func<QueuedPacket, (uint Verdict, uint Mark)> decide)
    {
        foreach (var message in new NetlinkMessages(datagram))
        {
            if (message.Type != MessageType(NFNL_SUBSYS_QUEUE, PACKET)) continue;
            bool answerable = QueuedPacket.TryParse(message.Attributes, out var packet);
            var (verdict, mark) = decide(packet); // every packet is decided (and counted), whatever it holds
            if (answerable) WriteVerdict(packet.Id, verdict, mark);
        }
    }

    private void WriteVerdict(uint id, uint verdict, uint mark)
    {
        _verdicts.Begin(MessageType(NFNL_SUBSYS_QUEUE, VERDICT),
            NLM_F_REQUEST, AF_UNSPEC, Number);
        _verdicts.Attribute(NFQA_VERDICT_HDR, new VerdictHeader(verdict, id));
        if (verdict == NF_ACCEPT) _verdicts.BigEndian32(NFQA_MARK, mark);
        _verdicts.End();
    }

    public void Dispose() => _socket.Dispose();
}
