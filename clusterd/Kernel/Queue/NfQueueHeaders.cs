using System.Runtime.InteropServices;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Kernel.Queue;

// The fixed attribute payloads of nfnetlink_queue (linux/netfilter/nfnetlink_queue.h), each as
// the kernel lays it out; big-endian fields are held as they lie and turned on access.

/// <summary>struct nfqnl_msg_packet_hdr (NFQA_PACKET_HDR), packed: be32 packet id, be16 hardware protocol, u8 hook.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct QueuedPacketHeader(uint packetId, ushort hardwareProtocol, byte hook)
{
    private readonly uint _packetId = NetworkOrder.Swap(packetId);
    private readonly ushort _hardwareProtocol = NetworkOrder.Swap(hardwareProtocol);
    public readonly byte Hook = hook;

    public uint PacketId => NetworkOrder.Swap(_packetId);
    public ushort HardwareProtocol => NetworkOrder.Swap(_hardwareProtocol);
}

/// <summary>struct nfqnl_msg_packet_timestamp (NFQA_TIMESTAMP): be64 seconds, be64 microseconds.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct QueuedPacketTimestamp(long seconds, long microseconds)
{
    private readonly long _seconds = NetworkOrder.Swap(seconds);
    private readonly long _microseconds = NetworkOrder.Swap(microseconds);

    public long UnixMicroseconds => NetworkOrder.Swap(_seconds) * 1_000_000 + NetworkOrder.Swap(_microseconds);
}

/// <summary>struct nfqnl_msg_verdict_hdr (NFQA_VERDICT_HDR): be32 verdict, be32 packet id.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct VerdictHeader(uint verdict, uint packetId)
{
    private readonly uint _verdict = NetworkOrder.Swap(verdict);
    private readonly uint _packetId = NetworkOrder.Swap(packetId);

    public uint Verdict => NetworkOrder.Swap(_verdict);
    public uint PacketId => NetworkOrder.Swap(_packetId);
}

/// <summary>struct nfqnl_msg_config_cmd (NFQA_CFG_CMD): u8 command, u8 pad, be16 protocol family.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct QueueConfigCommand(byte command, ushort protocolFamily)
{
    public readonly byte Command = command;
    private readonly byte _pad = 0;
    private readonly ushort _protocolFamily = NetworkOrder.Swap(protocolFamily);

    public ushort ProtocolFamily => NetworkOrder.Swap(_protocolFamily);
}

/// <summary>struct nfqnl_msg_config_params (NFQA_CFG_PARAMS), packed: be32 copy range, u8 copy mode.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public readonly struct QueueConfigParameters(uint copyRange, byte copyMode)
{
    private readonly uint _copyRange = NetworkOrder.Swap(copyRange);
    public readonly byte CopyMode = copyMode;

    public uint CopyRange => NetworkOrder.Swap(_copyRange);
}
