using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>A conntrack change clusterd cares about: an entry confirmed or changed (both come as IPCTNL_MSG_CT_NEW), or destroyed.</summary>
public enum ConntrackChange { NewOrUpdated, Destroyed }

/// <summary>
/// Listens to ctnetlink's new, update and destroy events: a new entry confirms a scheduled
/// connection, one that starts closing or is destroyed stops counting as load. Events for entries
/// without a node mark are skipped early.
/// </summary>
public sealed class ConntrackEvents : IDisposable
{
    private readonly NetlinkSocket _socket = new([NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY], 32 << 20);
    /// <summary>Events read in one call: each comes as a datagram of its own, and a flood of new connections brings one per connection.</summary>
    private readonly DatagramBatch _received = new(slots: 64, slotSize: 8192);

    /// <summary>
    /// Waits for a burst of events (up to the batch's <see cref="DatagramBatch.Slots"/>, in one system call) and
    /// hands each to <paramref name="handle"/>. Returns false on timeout. Throws
    /// <see cref="NetlinkException"/> with ENOBUFS when events were lost — the caller then rebuilds
    /// its view from a dump.
    /// </summary>
    public bool ProcessBatch(Func<uint, bool> isOurs, Action<ConntrackChange, ConntrackEntry> handle, int timeoutMs)
    {
        if (_socket.ReceiveMany(_received, timeoutMs) == 0) return false;
        for (int i = 0; i < _received.Count; i++) Handle(_received[i], isOurs, handle);
        return true;
    }

    /// <summary>
    /// Throws away the events waiting in the socket. After an overrun they are older than the ones
    /// lost, so applied after the recount that stands in for those, they would undo it: a connection
    /// the recount found closed would count again, its end being among the lost. Bounded, so a flood
    /// of new events cannot hold the caller here.
    /// </summary>
    public void DiscardWaiting()
    {
        for (int batch = 0; batch < MaxDiscardedBatches; batch++)
        {
            try
            {
                if (_socket.ReceiveMany(_received, timeoutMs: 0) == 0) return;
            }
            catch (NetlinkException e) when (e.Errno == NetlinkException.ENOBUFS)
            {
                // overrun again while draining: what is left is still older than the recount to come
            }
        }
    }

    /// <summary>More than the socket's buffer holds of the smallest events: what is read beyond it arrived after the overrun.</summary>
    private const int MaxDiscardedBatches = 1024;

    private static void Handle(ReadOnlySpan<byte> datagram, Func<uint, bool> isOurs, Action<ConntrackChange, ConntrackEntry> handle)
    {
        foreach (var message in new NetlinkMessages(datagram))
        {
            var (subsystem, kind) = SplitType(message.Type);
            var change = kind switch
            {
                IPCTNL_MSG_CT_NEW => ConntrackChange.NewOrUpdated,
                IPCTNL_MSG_CT_DELETE => ConntrackChange.Destroyed,
                _ => (ConntrackChange?)null,
            };
            if (change is null || subsystem != NFNL_SUBSYS_CTNETLINK) continue;
            if (ConntrackEntry.TryParse(message.Attributes, out var entry) && isOurs(entry.Mark))
                handle(change.Value, entry);
        }
    }

    public void Dispose() => _socket.Dispose();
}
