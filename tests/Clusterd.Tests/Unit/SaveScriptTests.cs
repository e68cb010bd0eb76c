using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.Firewall;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>clconfig -save: the configuration as the commands that rebuild it (ConfigScript, with FirewallScript's ipfwadm lines).</summary>
public sealed class SaveScriptTests
{
    private static readonly AddressMatch Web = new(Ipv4Address.Parse("1.2.3.4"), Ipv4Address.Parse("255.255.255.255"), [80], false);

    private static string Script(ClusterConfig config)
    {
        var text = new StringWriter();
        ConfigScript.Write(text, config);
        return text.ToString();
    }

    [Fact]
    public void TheInitialConfigurationIsOnlyTheHeader() =>
        Assert.Equal("#!/bin/sh\n# ip_cluster configuration, written by clconfig -save\nset -e\n", Script(ClusterConfig.Initial));

    [Fact]
    public void PoolsNodesAndDebugLevelInOrder()
    {
        var config = TestCluster.WithNodes("10.0.0.1")
            .WithPool(new PoolConfig("pool1", ForwardMethod.Masq, [new NodeConfig(Ipv4Address.Parse("10.0.1.1"), NodeState.Down, 20, 2)]))
            with { DebugLevel = 2 };

        Assert.EndsWith(
            "set -e\nclconfig -add pool0 10.0.0.1 up cost 1\nclconfig -create pool1 masq\nclconfig -add pool1 10.0.1.1 down cost 20\nclconfig -debug 2\n",
            Script(config));
    }

    [Fact]
    public void AMasqueradingFirstPoolIsSetNotCreated() =>
        Assert.Contains("clconfig -forward pool0 masq\n",
            Script(ClusterConfig.Initial.WithPool(new PoolConfig(PoolName.First, ForwardMethod.Masq, []))));

    [Fact]
    public void AMaglevPoolIsCreatedWithItsSchedulerAndTheFirstPoolSetToIt()
    {
        var config = ClusterConfig.Initial
            .WithPool(new PoolConfig(PoolName.First, ForwardMethod.Route, []) { Scheduler = PoolScheduler.Maglev })
            .WithPool(new PoolConfig("pool1", ForwardMethod.Masq, []) { Scheduler = PoolScheduler.Maglev });

        Assert.EndsWith("set -e\nclconfig -scheduler pool0 maglev\nclconfig -create pool1 masq maglev\n", Script(config));
    }

    [Fact]
    public void PoliciesTimeoutsAndRulesAsIpfwadmLines()
    {
        var config = new ClusterConfig
        {
            ForwardPolicy = new DefaultPolicy(RulePolicy.Accept, Masquerade: true),
            InputPolicy = new DefaultPolicy(RulePolicy.Deny),
            MasqueradeTimeouts = new MasqueradeTimeouts(100, 20, 30),
            FirewallRules =
            [
                new FirewallRule { Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Protocol = RuleProtocol.Tcp, Destination = Web, Interface = "pool0", SynOnly = true },
                new FirewallRule { Chain = FirewallChain.Accounting, Direction = AccountingDirection.In },
                new FirewallRule { Chain = FirewallChain.Input, Policy = RulePolicy.Accept, Interface = "eth 0", TosAnd = 0x01, TosXor = 0x10 },
            ],
        };

        Assert.Equal(
        [
            "ipfwadm -I -p deny",
            "ipfwadm -F -p masquerade",
            "ipfwadm -M -s 100 20 30",
            "ipfwadm -A in -a -S 0.0.0.0/0.0.0.0 -D 0.0.0.0/0.0.0.0",
            "ipfwadm -I -a cluster -P tcp -S 0.0.0.0/0.0.0.0 -D 1.2.3.4/255.255.255.255 80 -W pool0 -y",
            "ipfwadm -I -a accept -S 0.0.0.0/0.0.0.0 -D 0.0.0.0/0.0.0.0 -W 'eth 0' -t 0x01 0x10",
        ], FirewallScript.Lines(config));
    }

    [Fact]
    public void APortRangeIsWrittenFirstAsLowColonHigh()
    {
        var ranged = new AddressMatch(default, default, [1000, 2000, 22], true);
        var rule = new FirewallRule { Chain = FirewallChain.Output, Policy = RulePolicy.Reject, Protocol = RuleProtocol.Udp, Source = ranged };

        Assert.Equal(["ipfwadm -O -a reject -P udp -S 0.0.0.0/0.0.0.0 1000:2000 22 -D 0.0.0.0/0.0.0.0"], FirewallScript.Lines(new ClusterConfig { FirewallRules = [rule] }));
    }
}
