using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Conntrack.CtnetlinkMessages;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Conntrack;

/// <summary>A conntrack change clusterd cares about: an entry confirmed or changed (both come as IPCTNL_MSG_CT_NEW), or destroyed.</summary>
public enum ConntrackChange { NewOrUpdated, Destroyed }

/// <summary>
/// Listens to ctnetlink's new, update and destroy events of clustered connections: a new entry
/// confirms a scheduled connection, one that starts closing or is destroyed stops counting as load.
/// The kernel drops the others before they reach the socket (<see cref="ConntrackEventFilter"/>).
/// </summary>
public sealed class ConntrackEvents : IDisposable
{
    private readonly NetlinkSocket _socket = Subscribed();
    /// <summary>Events read in one call: each comes as a datagram of its own, and a flood of new connections brings one per connection.</summary>
    private readonly DatagramBatch _received = new(slots: 64, slotSize: 8192);

    /// <summary>The most datagrams <see cref="ProcessBatch"/> reads at once: a batch this full may have left more waiting.</summary>
    public int BatchSlots => _received.Slots;

    /// <summary>
    /// Waits for a burst of events (up to <see cref="BatchSlots"/> datagrams, in one system call) and
    /// hands each to <paramref name="handle"/>. Returns how many datagrams it read, 0 on timeout. Throws
    /// <see cref="NetlinkException"/> with ENOBUFS when events were lost — the caller then rebuilds
    /// its view from a dump.
    /// </summary>
    public int ProcessBatch(Action<ConntrackChange, ConntrackEntry> handle, int timeoutMs)
    {
        int read = _socket.ReceiveMany(_received, timeoutMs);
        for (int i = 0; i < read; i++) Handle(_received[i], handle);
        return read;
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

    private static NetlinkSocket Subscribed()
    {
        var socket = new NetlinkSocket([NFNLGRP_CONNTRACK_NEW, NFNLGRP_CONNTRACK_UPDATE, NFNLGRP_CONNTRACK_DESTROY], 32 << 20);
        try
        {
            socket.AttachFilter(ConntrackEventFilter.Program);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Handle(ReadOnlySpan<byte> datagram, Action<ConntrackChange, ConntrackEntry> handle)
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
            if (ConntrackEntry.TryParse(message.Attributes, out var entry)) handle(change.Value, entry);
        }
    }

    public void Dispose() => _socket.Dispose();
}
