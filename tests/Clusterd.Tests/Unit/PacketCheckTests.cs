using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Firewall;
using Clusterd.State;

namespace Clusterd.Tests.Unit;

/// <summary>ipfwadm -c walks a chain as the rendered rules match: first match wins, else the policy.</summary>
public sealed class PacketCheckTests
{
    private static readonly AddressMatch Web = new(Ipv4Address.Parse("1.2.3.4"), Ipv4Address.Parse("255.255.255.255"), [80], false);
    private static readonly CheckedPacket ToWeb = new(RuleProtocol.Tcp, Ipv4Address.Parse("192.0.2.9"), 1000, Ipv4Address.Parse("1.2.3.4"), 80, "eth0", default, false);

    private static ClusterConfig Rules(params FirewallRule[] rules) => new() { FirewallRules = [.. rules] };

    private static FirewallRule Input(RulePolicy policy) => new() { Chain = FirewallChain.Input, Policy = policy, Protocol = RuleProtocol.Tcp, Destination = Web };

    [Fact]
    public void TheFirstMatchingRuleDecides() =>
        Assert.Equal(CheckVerdict.Denied, PacketCheck.Verdict(Rules(Input(RulePolicy.Deny), Input(RulePolicy.Accept)), FirewallChain.Input, ToWeb));

    [Fact]
    public void WithoutAMatchThePolicyDecides()
    {
        var config = Rules(Input(RulePolicy.Deny)) with { InputPolicy = new DefaultPolicy(RulePolicy.Reject) };

        Assert.Equal(CheckVerdict.Rejected, PacketCheck.Verdict(config, FirewallChain.Input, ToWeb with { DestinationPort = 81 }));
    }

    [Fact]
    public void ABidirectionalRuleMatchesTheReplyToo()
    {
        var reply = ToWeb with { Source = ToWeb.Destination, SourcePort = 80, Destination = ToWeb.Source, DestinationPort = 1000 };

        Assert.Equal(CheckVerdict.Accepted, PacketCheck.Verdict(Rules(Input(RulePolicy.Deny)) with { InputPolicy = new DefaultPolicy(RulePolicy.Accept) }, FirewallChain.Input, reply));
        Assert.Equal(CheckVerdict.Denied, PacketCheck.Verdict(Rules(Input(RulePolicy.Deny) with { Bidirectional = true }), FirewallChain.Input, reply));
    }

    [Fact]
    public void SynOnlyRulesMatchOnlyPacketsCheckedWithSyn()
    {
        var config = Rules(Input(RulePolicy.Deny) with { SynOnly = true });

        Assert.Equal(CheckVerdict.Accepted, PacketCheck.Verdict(config, FirewallChain.Input, ToWeb));
        Assert.Equal(CheckVerdict.Denied, PacketCheck.Verdict(config, FirewallChain.Input, ToWeb with { Syn = true }));
    }

    [Fact]
    public void AClusterRuleMatchesWhateverTheInterfaceAndIsClustered()
    {
        var cluster = Input(RulePolicy.Cluster) with { Interface = "pool0" };

        Assert.Equal(CheckVerdict.Clustered, PacketCheck.Verdict(Rules(cluster), FirewallChain.Input, ToWeb));
        Assert.Equal(CheckVerdict.Accepted, PacketCheck.Verdict(Rules(Input(RulePolicy.Deny) with { Interface = "eth1" }), FirewallChain.Input, ToWeb));
    }

    [Fact]
    public void MasqueradingAndRedirectingAreAcceptsThatSaySo()
    {
        var forward = new FirewallRule { Chain = FirewallChain.Forward, Masquerade = true };
        var redirect = new FirewallRule { Chain = FirewallChain.Input, Redirect = true, RedirectPort = 8080 };

        Assert.Equal(CheckVerdict.Masqueraded, PacketCheck.Verdict(Rules(forward), FirewallChain.Forward, ToWeb));
        Assert.Equal(CheckVerdict.Redirected, PacketCheck.Verdict(Rules(redirect), FirewallChain.Input, ToWeb));
    }
}
