namespace Clusterd.Kernel.Netlink;

/// <summary>Constants of the netlink core (linux/netlink.h) and the nfnetlink envelope (linux/netfilter/nfnetlink.h).</summary>
public static class Netlink
{
    public const int AF_NETLINK = 16;
    public const int NETLINK_ROUTE = 0, NETLINK_NETFILTER = 12;
    /// <summary>Socket options at LibC.SOL_NETLINK that Tmds.LibC does not name.</summary>
    public const int NETLINK_ADD_MEMBERSHIP = 1, NETLINK_NO_ENOBUFS = 5;

    /// <summary>The size of <see cref="NetlinkHeader"/> (struct nlmsghdr).</summary>
    public const int HeaderSize = 16;
    /// <summary>The size of <see cref="NfnetlinkHeader"/> (struct nfgenmsg).</summary>
    public const int NfGenMsgSize = 4;
    /// <summary>struct nlattr: u16 len, u16 type (host order); payload padded to 4.</summary>
    public const int AttributeHeaderSize = 4;

    public const ushort NLMSG_ERROR = 2, NLMSG_DONE = 3;

    public const ushort NLM_F_REQUEST = 0x1, NLM_F_MULTI = 0x2, NLM_F_ACK = 0x4;
    public const ushort NLM_F_ROOT = 0x100, NLM_F_MATCH = 0x200, NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;
    public const ushort NLM_F_REPLACE = 0x100, NLM_F_EXCL = 0x200, NLM_F_CREATE = 0x400, NLM_F_APPEND = 0x800;

    public const ushort NLA_F_NESTED = 0x8000;
    public const ushort NLA_TYPE_MASK = 0x3fff;

    public const byte NFNETLINK_V0 = 0;
    public const byte AF_UNSPEC = 0, AF_INET = 2;

    /// <summary>nfnetlink subsystems: the high byte of a message type.</summary>
    public const byte NFNL_SUBSYS_CTNETLINK = 1, NFNL_SUBSYS_QUEUE = 3, NFNL_SUBSYS_NFTABLES = 10;

    public const ushort NFNL_MSG_BATCH_BEGIN = 16, NFNL_MSG_BATCH_END = 17;

    public static ushort MessageType(byte subsystem, byte message) => (ushort)(subsystem << 8 | message);

    /// <summary>The two halves of an nfnetlink message type.</summary>
    public static (byte Subsystem, byte Message) SplitType(ushort type) => ((byte)(type >> 8), (byte)type);

    public static int Align(int length) => (length + 3) & ~3;
}
