using Clusterd.Kernel.Netlink;
using static Clusterd.Kernel.Netlink.Netlink;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// Writes the one rule nft cannot write on this kernel: the xtables NFQUEUE target carried in
/// nf_tables (nft_compat), because CONFIG_NFT_QUEUE (the native <c>queue</c> statement) is absent.
/// The rule is the only one of a chain that the rendered ruleset jumps to.
/// </summary>
/// <param name="firstQueue">The first queue number.</param>
/// <param name="queues">How many queues, numbered from <paramref name="firstQueue"/>; with more than one,
/// the kernel spreads packets over them by a hash of their addresses, so every packet of a
/// connection goes to the same queue.</param>
/// <param name="bypass">With no clusterd bound, packets go on past the queue (to the fallback chain)
/// instead of being dropped.</param>
public sealed class QueueTargetRule(ushort firstQueue, ushort queues, bool bypass) : IQueueTarget
{
    private const byte NFT_MSG_NEWRULE = 6, NFT_MSG_DELRULE = 8;
    private const byte NFPROTO_IPV4 = 2;
    private const ushort NFTA_RULE_TABLE = 1, NFTA_RULE_CHAIN = 2, NFTA_RULE_EXPRESSIONS = 4;
    private const ushort NFTA_LIST_ELEM = 1, NFTA_EXPR_NAME = 1, NFTA_EXPR_DATA = 2;
    private const ushort NFTA_TARGET_NAME = 1, NFTA_TARGET_REV = 2, NFTA_TARGET_INFO = 3;
    /// <summary>
    /// Makes the NFQUEUE target the only rule of <paramref name="chain"/>, in one nf_tables transaction
    /// (the chain's rules are deleted and the target added together), so a restarting clusterd never
    /// leaves a moment when cluster rules jump to an empty chain.
    /// </summary>
    public void Replace(string table, string chain) =>
        KernelCall.Run("cannot add the NFQUEUE rule", () =>
        {
            using var socket = new NetlinkSocket();
            socket.Acknowledged(Transaction(table, chain, firstQueue, queues, bypass), "nf_tables");
        });

    /// <summary>The batch: begin, delete the chain's rules, add the target (the one message acknowledged), end.</summary>
    internal static NetlinkWriter Transaction(string table, string chain, ushort firstQueue, ushort queues, bool bypass)
    {
        var batch = new NetlinkWriter(512);
        batch.Begin(NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
        batch.End();
        batch.Begin(MessageType(NFNL_SUBSYS_NFTABLES, NFT_MSG_DELRULE), NLM_F_REQUEST, NFPROTO_IPV4, 0);
        batch.String(NFTA_RULE_TABLE, table); // a table and chain with no rule handle: every rule of the chain
        batch.String(NFTA_RULE_CHAIN, chain);
        batch.End();
        batch.Begin(MessageType(NFNL_SUBSYS_NFTABLES, NFT_MSG_NEWRULE),
            NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND, NFPROTO_IPV4, 0);
        batch.String(NFTA_RULE_TABLE, table);
        batch.String(NFTA_RULE_CHAIN, chain);
        batch.BeginNest(NFTA_RULE_EXPRESSIONS);
        batch.BeginNest(NFTA_LIST_ELEM);
        batch.String(NFTA_EXPR_NAME, "target");
        batch.BeginNest(NFTA_EXPR_DATA);
        batch.String(NFTA_TARGET_NAME, "NFQUEUE");
        batch.BigEndian32(NFTA_TARGET_REV, NfQueueTargetInfo.Revision);
        var flags = bypass ? NfQueueTargetInfo.Bypass : (ushort)0;
        batch.Attribute(NFTA_TARGET_INFO, new NfQueueTargetInfo(firstQueue, queues, flags));
        batch.EndNest();
        batch.EndNest();
        batch.EndNest();
        batch.End();
        batch.Begin(NFNL_MSG_BATCH_END, NLM_F_REQUEST, AF_UNSPEC, NFNL_SUBSYS_NFTABLES);
        batch.End();
        return batch;
    }
}
