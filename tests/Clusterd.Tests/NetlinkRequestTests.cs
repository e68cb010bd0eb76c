using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Routing;
using Tmds.Linux;

namespace Clusterd.Tests;

/// <summary>
/// The socket's one request loop (acknowledgements, errors, dumps, batches) against the real
/// kernel, in a throwaway network namespace of a thread's own (unshare affects only the caller).
/// Needs root, as the rest of these tests.
/// </summary>
public sealed class NetlinkRequestTests
{
    [Fact]
    public void RulesAreAddedDumpedAndDeletedThroughAcknowledgedRequests() => InFreshNamespace(() =>
    {
        using var rtnetlink = new Rtnetlink();
        var rule = RoutingRule.Lookup(10000, 0x101, 0x101, uint.MaxValue);
        rtnetlink.AddRule(rule);
        rtnetlink.AddRule(rule); // EEXIST answered, tolerated; the socket's next request is not confused by it
        Assert.Single(rtnetlink.Rules(), r => r == rule);
        rtnetlink.DeleteRule(rule);
        rtnetlink.DeleteRule(rule); // ENOENT, tolerated
        Assert.DoesNotContain(rule, rtnetlink.Rules());
        Assert.Contains(rtnetlink.Rules(), r => r.IsLocalDelivery);
    });

    [Fact]
    public void AnErrorAnswerThrowsItsErrno() => InFreshNamespace(() =>
    {
        using var rtnetlink = new Rtnetlink();
        // Nothing is up in a fresh namespace, so no gateway is reachable.
        var refused = Assert.Throws<NetlinkException>(() => rtnetlink.ReplaceDefaultRoute(0x101, ClusterControl.Ipv4Address.Parse("192.0.2.1")));
        Assert.Equal(LibC.ENETUNREACH, refused.Errno);
        Assert.NotEmpty(rtnetlink.Rules()); // and the socket still answers
    });

    [Fact]
    public void SeveralAcknowledgedMessagesInOneDatagramAreEachAwaited() => InFreshNamespace(() =>
    {
        using var socket = new NetlinkSocket(protocol: Netlink.NETLINK_ROUTE);
        var first = RoutingRule.Lookup(10000, 0x101, 0x101, uint.MaxValue);
        var second = RoutingRule.Lookup(10000, 0x102, 0x102, uint.MaxValue);
        var both = new NetlinkWriter();
        foreach (var rule in new[] { first, second }) Rtnetlink.Rule(Rtnetlink.RTM_NEWRULE, Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, rule, both);
        socket.Acknowledged(both);
        using var rtnetlink = new Rtnetlink();
        var rules = rtnetlink.Rules();
        Assert.Contains(first, rules);
        Assert.Contains(second, rules);
        // The same two again: the first's EEXIST ends the wait with an error.
        Assert.Equal(LibC.EEXIST, Assert.Throws<NetlinkException>(() => socket.Acknowledged(both)).Errno);
    });

    [Fact]
    public void InterfacesAndAddressesAreDumped() => InFreshNamespace(() =>
    {
        // A fresh namespace has only lo, down and without addresses: the dumps end, empty of addresses.
        Assert.Empty(AddressNetlink.Read());
    });

    private static void InFreshNamespace(Action test)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                if (LibC.unshare(LibC.CLONE_NEWNET) != 0) throw new InvalidOperationException($"unshare: errno {LibC.errno}");
                test();
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null) throw new AggregateException("in a fresh network namespace", failure);
    }
}
