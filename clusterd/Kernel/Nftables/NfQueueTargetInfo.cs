using System.Runtime.InteropServices;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// struct xt_NFQ_info_v3 (linux/netfilter/xt_NFQUEUE.h), the NFQUEUE target's options as
/// nft_compat carries them in NFTA_TARGET_INFO: u16 first queue, u16 queue count, u16 flags, host
/// order, padded to 8 bytes (XT_ALIGN) as the kernel checks the size.
/// </summary>
[StructLayout(LayoutKind.Sequential, Size = 8)]
public readonly struct NfQueueTargetInfo(ushort firstQueue, ushort queues, ushort flags)
{
    public const int Revision = 3;
    /// <summary>NFQ_FLAG_BYPASS: with no program bound to the queue, the packet goes on as if accepted instead of being dropped.</summary>
    public const ushort Bypass = 1;

    public readonly ushort FirstQueue = firstQueue;
    public readonly ushort Queues = queues;
    /// <summary>NFQ_FLAG_BYPASS and friends.</summary>
    public readonly ushort Flags = flags;
}
