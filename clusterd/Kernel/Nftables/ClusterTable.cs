using ClusterControl;
using Clusterd.State;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// The nftables table clusterd owns, <c>ip ip_cluster</c>: the mark save/restore chains around the
/// queue, the DNAT map of masq nodes, and the firewall chains (rendered by the firewall code).
/// </summary>
/// <remarks>
/// Hook order on prerouting: -160 <c>restore</c> (a known connection gets its node mark back, so it
/// never reaches the queue again) → -150 <c>input</c> (ipfwadm's input firewall; a cluster rule
/// tags a new connection with its rule and jumps to <c>toqueue</c>) → -145 <c>fallback</c> (a packet
/// the queue let pass undecided is scheduled by a hash, <see cref="FallbackRules"/>) → -140 <c>save</c> (the verdict's
/// node mark goes into the conntrack mark) → -100 <c>node_nat</c> (masq pools) → routing (route pools:
/// the node mark selects the node's route table).
/// The <c>toqueue</c> chain holds the NFQUEUE target, which nft cannot write on this kernel; it is
/// written at start (<see cref="QueueTargetRule"/>), before the rules that jump to it, and never
/// touched by <see cref="TableWriter"/>. The table outlives clusterd, so a restart leaves established
/// connections alone; <see cref="Delete"/> is for <c>clusterd --cleanup</c>.
/// </remarks>
public static class ClusterTable
{
    public const string Family = "ip", Name = "ip_cluster", QueueChain = "toqueue";
    /// <summary>The chain right after the firewall's input chain where a packet the queue let pass undecided is scheduled by the kernel (<see cref="FallbackRules"/>).</summary>
    public const string FallbackChain = "fallback";
    public const string Qualified = Family + " " + Name;

    private static readonly string[] OwnChains = ["restore", FallbackChain, "save", "node_nat"];

    /// <summary>
    /// The script that makes sure the table and its queue chain exist, touching nothing already there:
    /// what a previous clusterd left keeps forwarding its connections while this one starts.
    /// </summary>
    public const string Skeleton = $"table {Qualified} {{\n\tchain {QueueChain} {{\n\t}}\n}}\n";

    /// <summary>
    /// Adds clusterd's own chains and the map of masq nodes to <paramref name="table"/>: the chains
    /// around the queue and the firewall, the rules that restore and save node marks, and the DNAT
    /// by node mark.
    /// </summary>
    public static void Fill(TableContents table, IEnumerable<(uint Mark, Ipv4Address Address)> masqNodes)
    {
        table.Declare($$"""
            table {{Qualified}} {
            	map masq_nodes {
            		type mark : ipv4_addr
            	}
            	chain restore {
            		type filter hook prerouting priority -160; policy accept;
            	}
            	chain {{FallbackChain}} {
            		type filter hook prerouting priority -145; policy accept;
            	}
            	chain save {
            		type filter hook prerouting priority -140; policy accept;
            	}
            	chain node_nat {
            		type nat hook prerouting priority -100; policy accept;
            	}
            }

            """);
        // The fallback chain has a rule per cluster rule, so it may grow as long as the firewall's chains.
        foreach (string chain in OwnChains) table.Fill(chain, inBlocks: chain == FallbackChain);
        string node = Marks.Hex(Marks.NodeTag), tags = Marks.Hex(Marks.TagMask);
        // Only the original direction: replies carry no mark, so they are routed normally back to the client.
        table.Rule("restore", $"ct direction original ct mark & {tags} == {node} meta mark set ct mark & {Marks.Hex(~Marks.MasqueradeBit)}");
        // A forwarded TCP packet conntrack takes for a new connection without its SYN, that no cluster
        // rule tagged, is dropped: mostly a node's reply on a connection this front-end has not been
        // given yet (a failback, before conntrackd's commit). Let through, it would begin an entry the
        // wrong way round, which the commit cannot replace and whose client packets, then replies,
        // never get their node mark. Its retransmission finds the committed entry. What is addressed
        // to the front-end itself is left alone: a session open before conntrack was loaded goes on.
        table.Rule("save", $"ct state new tcp flags & syn == 0 meta mark & {tags} == 0 fib daddr type != local drop");
        table.Rule("save", $"meta mark & {tags} == {node} ct mark 0 ct mark set meta mark");
        table.Rule("node_nat", $"meta mark & {tags} == {node} dnat to meta mark map @masq_nodes");
        var elements = masqNodes.Select(n => $"{Marks.Hex(n.Mark)} : {n.Address}").ToList();
        table.FillMaps($"flush map {Qualified} masq_nodes\n");
        if (elements.Count > 0) table.FillMaps($"add element {Qualified} masq_nodes {{ {string.Join(", ", elements)} }}\n");
    }

    /// <summary>Deletes the table; declaring it first makes the script succeed when there is none.</summary>
    public const string Delete = $"table {Qualified}\ndelete table {Qualified}\n";
}
