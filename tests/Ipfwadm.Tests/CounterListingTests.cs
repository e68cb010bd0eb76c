using ClusterControl;
using ClusterControl.Firewall;
using Ipfwadm;

namespace Ipfwadm.Tests;

/// <summary>
/// docs/ipfwadm-spec.md §6.10: how -l shows counters. Counters come from kernel traffic, which the command-line
/// cases cannot produce, so the listing is fed an answer carrying them (pure formatting).
/// </summary>
public sealed class CounterListingTests
{
    private static readonly FirewallRule HttpIn = new()
    {
        Chain = FirewallChain.Accounting,
        Direction = AccountingDirection.In,
        Protocol = RuleProtocol.Tcp,
        Destination = new AddressMatch(default, default, [80], false),
    };

    [Fact]
    public void Case119ExactCountersWidenTheColumns()
    {
        var answer = new FirewallAnswer { Rules = [new ListedRule(HttpIn, 123456, 98765432)] };
        Assert.Equal(
            "IP accounting rules\n"
            + "    pkts      bytes dir prot source               destination          ports\n"
            + "  123456   98765432 in  tcp  0.0.0.0/0            0.0.0.0/0            * -> 80\n",
            new Listing(extended: false, numeric: true, exact: true).Chain(FirewallChain.Accounting, answer));
    }

    [Fact]
    public void Case121FirewallCountersOnlyWithExtendedListing()
    {
        var rule = new FirewallRule { Chain = FirewallChain.Input };
        var answer = new FirewallAnswer { Rules = [new ListedRule(rule, 17, 1234)], Policy = DefaultPolicy.Accept };
        Assert.Equal(
            "IP firewall input rules, default policy: accept\n"
            + "type  prot source               destination          ports\n"
            + "acc   all  anywhere             anywhere             n/a\n",
            new Listing(extended: false, numeric: false, exact: false).Chain(FirewallChain.Input, answer));
    }

    [Fact]
    public void Case123AbbreviatedCountersRoundToKAndM()
    {
        var answer = new FirewallAnswer { Rules = [new ListedRule(HttpIn, 9999499, 9999500)] };
        Assert.Equal(
            "IP accounting rules\n"
            + " pkts bytes dir prot source               destination          ports\n"
            + "9999K   10M in  tcp  0.0.0.0/0            0.0.0.0/0            * -> 80\n",
            new Listing(extended: false, numeric: true, exact: false).Chain(FirewallChain.Accounting, answer));
    }

    [Theory]
    [InlineData(0UL, "    0")]
    [InlineData(99999UL, "99999")]
    [InlineData(100000UL, " 100K")]
    [InlineData(100499UL, " 100K")]
    [InlineData(100500UL, " 101K")]
    [InlineData(9999499UL, "9999K")]
    [InlineData(9999500UL, "  10M")]
    [InlineData(4000000000UL, "4000M")]
    public void AbbreviationBoundaries(ulong value, string shown) => Assert.Equal(shown, Listing.Abbreviated(value));

    [Fact]
    public void ExtendedListingShowsCountersAndClusterPoolAndNode()
    {
        var rule = new FirewallRule
        {
            Chain = FirewallChain.Input,
            Policy = RulePolicy.Cluster,
            Bidirectional = true,
            Interface = "pool0",
            InterfaceAddress = Ipv4Address.Parse("10.0.0.5"),
            Destination = new AddressMatch(Ipv4Address.Parse("1.2.3.4"), Ipv4Address.Parse("255.255.255.255"), [], false),
        };
        var answer = new FirewallAnswer { Rules = [new ListedRule(rule, 150000, 12345678)], Policy = DefaultPolicy.Accept };
        Assert.Equal(
            "IP firewall input rules, default policy: accept\n"
            + " pkts bytes type  prot opt  tosa tosx ifname  ifaddress       source               destination          ports\n"
            + " 150K   12M clu   all  b--- 0xFF 0x00 pool0   10.0.0.5        0.0.0.0/0            1.2.3.4              n/a\n",
            new Listing(extended: true, numeric: true, exact: false).Chain(FirewallChain.Input, answer));
    }
}
