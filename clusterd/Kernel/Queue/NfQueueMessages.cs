namespace Clusterd.Kernel.Queue;

/// <summary>nfnetlink_queue constants (linux/netfilter/nfnetlink_queue.h).</summary>
public static class NfQueueMessages
{
    public const byte PACKET = 0, VERDICT = 1, CONFIG = 2;

    // Config attributes and values.
    public const ushort NFQA_CFG_CMD = 1, NFQA_CFG_PARAMS = 2, NFQA_CFG_QUEUE_MAXLEN = 3, NFQA_CFG_MASK = 4, NFQA_CFG_FLAGS = 5;
    public const byte NFQNL_CFG_CMD_BIND = 1, NFQNL_CFG_CMD_UNBIND = 2;
    public const byte NFQNL_COPY_PACKET = 2;
    public const uint NFQA_CFG_F_FAIL_OPEN = 1;

    // Packet and verdict attributes.
    public const ushort NFQA_PACKET_HDR = 1, NFQA_VERDICT_HDR = 2, NFQA_MARK = 3, NFQA_TIMESTAMP = 4, NFQA_PAYLOAD = 10;

    public const uint NF_DROP = 0, NF_ACCEPT = 1;
}
