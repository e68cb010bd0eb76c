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
    private readonly byte[] _receive = new byte[256 * 1024];

    /// <summary>
    /// Waits for a batch of events and hands each to <paramref name="handle"/>. Returns false on
    /// timeout. Throws <see cref="NetlinkException"/> with ENOBUFS when events were lost — the
    /// caller then rebuilds its view from a dump.
    /// </summary>
    public bool ProcessBatch(Func<uint, bool> isOurs, Action<ConntrackChange, ConntrackEntry> handle, int timeoutMs)
    {
        int length = _socket.Receive(_receive, timeoutMs);
        if (length == 0) return false;
        foreach (var message in new NetlinkMessages(_receive.AsSpan(0, length)))
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
        return true;
    }

    public void Dispose() => _socket.Dispose();
}
