namespace Clusterd.Kernel.Conntrack;

/// <summary>ctnetlink constants (linux/netfilter/nfnetlink_conntrack.h).</summary>
public static class CtnetlinkMessages
{
    public const byte IPCTNL_MSG_CT_NEW = 0, IPCTNL_MSG_CT_GET = 1, IPCTNL_MSG_CT_DELETE = 2;

    /// <summary>Multicast groups (1-based, as bind/ADD_MEMBERSHIP take them).</summary>
    public const int NFNLGRP_CONNTRACK_NEW = 1, NFNLGRP_CONNTRACK_UPDATE = 2, NFNLGRP_CONNTRACK_DESTROY = 3;

    public const ushort CTA_TUPLE_ORIG = 1, CTA_TUPLE_REPLY = 2, CTA_STATUS = 3, CTA_PROTOINFO = 4, CTA_TIMEOUT = 7, CTA_MARK = 8, CTA_ID = 12, CTA_MARK_MASK = 21;
    public const ushort CTA_TUPLE_IP = 1, CTA_TUPLE_PROTO = 2;
    public const ushort CTA_IP_V4_SRC = 1, CTA_IP_V4_DST = 2;
    public const ushort CTA_PROTO_NUM = 1, CTA_PROTO_SRC_PORT = 2, CTA_PROTO_DST_PORT = 3;
    public const ushort CTA_PROTOINFO_TCP = 1, CTA_PROTOINFO_TCP_STATE = 1;

    /// <summary>The original direction's sequence adjustment, and its parts (CTA_SEQADJ_*).</summary>
    public const ushort CTA_SEQ_ADJ_ORIG = 15;
    public const ushort CTA_SEQADJ_CORRECTION_POS = 1, CTA_SEQADJ_OFFSET_BEFORE = 2, CTA_SEQADJ_OFFSET_AFTER = 3;

    /// <summary>
    /// TCP conntrack states: before ESTABLISHED the handshake is under way; from FIN_WAIT on (but
    /// SYN_SENT2) the connection is closing and no longer counts as load; a handshake that never
    /// completed ends in SYN_SENT (the SYN unanswered) or CLOSE (answered by a reset). A connection
    /// leaves ESTABLISHED for FIN_WAIT or CLOSE, never straight for the others.
    /// </summary>
    public const byte TCP_CONNTRACK_SYN_SENT = 1, TCP_CONNTRACK_SYN_RECV = 2, TCP_CONNTRACK_ESTABLISHED = 3, TCP_CONNTRACK_FIN_WAIT = 4,
        TCP_CONNTRACK_CLOSE_WAIT = 5, TCP_CONNTRACK_LAST_ACK = 6, TCP_CONNTRACK_TIME_WAIT = 7, TCP_CONNTRACK_CLOSE = 8, TCP_CONNTRACK_SYN_SENT2 = 9;
}
