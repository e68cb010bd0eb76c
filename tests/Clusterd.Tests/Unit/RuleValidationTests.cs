using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.Firewall;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>clusterd's own checks of a rule, refused with the 2.0 kernel's errno text.</summary>
public sealed class RuleValidationTests
{
    private static readonly ClusterConfig OneNode = TestCluster.WithNodes("10.0.0.1");
    private static readonly FirewallRule Cluster = new() { Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private static string Refusal(FirewallRule rule)
    {
        var refused = Assert.Throws<RefusedException>(() => RuleValidation.Check(OneNode, rule));
        Assert.Equal(ControlError.KernelRefused, refused.Error);
        return refused.Message;
    }

    [Fact]
    public void AClusterRuleNeedsItsPoolAndItsStaticNode()
    {
        Assert.Equal(Cluster with { TosAnd = 0xff, TosXor = 0 }, RuleValidation.Check(OneNode, Cluster));
        Assert.Equal(FirewallCommands.NoSuchDevice, Refusal(Cluster with { Interface = "pool5" }));
        Assert.Equal(FirewallCommands.NoSuchDeviceOrAddress, Refusal(Cluster with { InterfaceAddress = Ipv4Address.Parse("10.0.0.9") }));
        Assert.Equal(FirewallCommands.InvalidArgument, Refusal(Cluster with { Chain = FirewallChain.Output }));
    }

    [Theory]
    [InlineData(FirewallChain.Input, true, false)]   // masquerading is for the forward chain
    [InlineData(FirewallChain.Forward, false, true)] // redirecting is for the input chain
    public void MasqueradeAndRedirectOnlyWhereTheKernelHadThem(FirewallChain chain, bool masquerade, bool redirect) =>
        Assert.Equal(FirewallCommands.InvalidArgument, Refusal(new FirewallRule { Chain = chain, Masquerade = masquerade, Redirect = redirect }));

    [Fact]
    public void PortsOnlyWithAProtocolThatHasThemAndAtMostTen()
    {
        var port80 = new AddressMatch(default, default, [80], false);
        Assert.Equal(FirewallCommands.InvalidArgument, Refusal(new FirewallRule { Destination = port80 }));
        var eleven = new AddressMatch(default, default, [.. Enumerable.Range(1, 11).Select(p => (ushort)p)], false);
        Assert.Equal(FirewallCommands.InvalidArgument, Refusal(new FirewallRule { Protocol = RuleProtocol.Tcp, Destination = eleven }));
    }

    [Fact]
    public void AnAddressWithBitsOutsideItsMaskIsRefused() =>
        Assert.Equal(FirewallCommands.InvalidArgument, Refusal(new FirewallRule
        {
            Source = new AddressMatch(Ipv4Address.Parse("10.0.0.1"), Ipv4Address.Parse("255.0.0.0"), [], false),
        }));

    [Fact]
    public void TosMasksKeepBitZeroNeutral()
    {
        var checkedRule = RuleValidation.Check(OneNode, new FirewallRule { TosAnd = 0x00, TosXor = 0x01 });

        Assert.Equal((0x01, 0x00), (checkedRule.TosAnd, checkedRule.TosXor));
    }
}
