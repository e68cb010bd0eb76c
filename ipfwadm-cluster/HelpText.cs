namespace Ipfwadm;

/// <summary>The help text of ipfwadm 2.3.0, byte for byte (typo included), with the name it was invoked by.</summary>
public static class HelpText
{
    public const string PackageVersion = "ipfwadm 2.3.0, 1996/07/30";

    public static string For(string program) =>
        $"{PackageVersion}\n\n" +
        $"Usage: {program} -A [direction] command [options] (accounting)\n" +
        $"       {program} -F command [options] (forwarding firewall)\n" +
        $"       {program} -I command [options] (input firewall)\n" +
        $"       {program} -O command [options] (output firewall)\n" +
        $"       {program} -M [-s | -l] [options] (masquerading entries)\n" +
        $"       {program} -h (print this help information))\n\n" +
        "Commands:\n" +
        "  -i [policy]\tinsert rule (no policy for accounting rules)\n" +
        "  -a [policy]\tappend rule (no policy for accounting rules)\n" +
        "  -d [policy]\tdelete rule (no policy for accounting rules)\n" +
        "  -l\t\tlist all rules of this category\n" +
        "  -z\t\treset packet/byte counters of all rules of this category\n" +
        "  -f\t\tremove all rules of this category\n" +
        "  -p policy\tchange default policy (accept/deny/reject)\n" +
        "  -s tcp tcpfin udp\n" +
        "\t\tset masuerading timeout values\n" +
        "  -c\t\tcheck acceptance of IP packet\n\n" +
        "Options:\n" +
        "  -P\t\tprotocol (either tcp, udp, icmp, or all)\n" +
        "  -S address[/mask] [port ...]\n" +
        "\t\tsource specification\n" +
        "  -D address[/mask] [port ...]\n" +
        "\t\tdestination specification\n" +
        "  -V address\tnetwork interface address\n" +
        "  -W name\tnetwork interface name\n" +
        "  -b\t\tbidirectional match\n" +
        "  -e\t\textended output mode\n" +
        "  -k\t\tmatch TCP packets only when ACK set\n" +
        "  -m\t\tmasquerade packets as coming from local host\n" +
        "  -n\t\tnumeric output of addresses and ports\n" +
        "  -o\t\tturn on kernel logging for matching packets\n" +
        "  -r [port]\tredirect packets to local port (transparent proxying)\n" +
        "  -t and xor\tand/xor masks for TOS field\n" +
        "  -v\t\tverbose mode\n" +
        "  -x\t\texpand numbers (display exact values)\n" +
        "  -y\t\tmatch TCP packets only when SYN set and ACK cleared\n";
}
