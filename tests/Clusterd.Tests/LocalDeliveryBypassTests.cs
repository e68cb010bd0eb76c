using Clusterd.Kernel.Routing;

namespace Clusterd.Tests;

/// <summary>Getting node-marked packets past local delivery, on a stand-in for the kernel's rule list.</summary>
public class LocalDeliveryBypassTests
{
    private static readonly RoutingRule Local = RoutingRule.Lookup(0, RoutingRule.LocalTable);
    private static readonly RoutingRule StandIn = RoutingRule.Lookup(1, RoutingRule.LocalTable);
    private static readonly RoutingRule Main = RoutingRule.Lookup(32766, 254), Default = RoutingRule.Lookup(32767, 253);
    private static readonly RoutingRule[] Boot = [Local, Main, Default];
    private static readonly RoutingRule[] Bypassed = [LocalDeliveryBypass.Rule, Local, Main, Default];

    [Fact]
    public void InstallPutsTheBypassFirstAndRemoveRestoresTheRules()
    {
        var kernel = new FakeRoutingRules(Boot);
        new LocalDeliveryBypass(kernel).Install();
        Assert.Equal(Bypassed, kernel.Rules());
        new LocalDeliveryBypass(kernel).Remove();
        Assert.Equal(Boot, kernel.Rules());
    }

    [Fact]
    public void LocalDeliveryIsNeverMissingWhileTheRulesAreReshuffled()
    {
        var kernel = new FakeRoutingRules(Boot);
        new LocalDeliveryBypass(kernel).Install();
        Assert.All(kernel.History, rules => Assert.Contains(rules, r => r.IsLocalDelivery));
    }

    [Fact]
    public void InstallingAgainChangesNothing()
    {
        var kernel = new FakeRoutingRules(Bypassed);
        new LocalDeliveryBypass(kernel).Install();
        Assert.Equal(Bypassed, kernel.Rules());
        Assert.All(kernel.History, rules => Assert.Equal(Bypassed, rules));
    }

    [Fact]
    public void ABypassThatFellBehindLocalDeliveryIsPutInFrontAgain()
    {
        var kernel = new FakeRoutingRules([Local, LocalDeliveryBypass.Rule, Main, Default]);
        new LocalDeliveryBypass(kernel).Install();
        Assert.Equal(Bypassed, kernel.Rules());
    }

    public static TheoryData<RoutingRule[]> CrashesMidReshuffle => new()
    {
        { [Local, StandIn, Main, Default] },
        { [StandIn, Main, Default] },
        { [LocalDeliveryBypass.Rule, StandIn, Main, Default] },
        { [LocalDeliveryBypass.Rule, Local, StandIn, Main, Default] },
    };

    [Theory]
    [MemberData(nameof(CrashesMidReshuffle))]
    public void ACrashMidReshuffleIsFinishedByTheNextStartAndUndoneByCleanup(RoutingRule[] leftBehind)
    {
        var kernel = new FakeRoutingRules(leftBehind);
        new LocalDeliveryBypass(kernel).Install();
        Assert.Equal(Bypassed, kernel.Rules());
        var cleaned = new FakeRoutingRules(leftBehind);
        new LocalDeliveryBypass(cleaned).Remove();
        Assert.Equal(Boot, cleaned.Rules());
    }

    [Fact]
    public void LocalDeliveryMovedByTheAdministratorIsLeftWhereItIs()
    {
        var moved = RoutingRule.Lookup(100, RoutingRule.LocalTable);
        var kernel = new FakeRoutingRules([moved, Main, Default]);
        new LocalDeliveryBypass(kernel).Install();
        Assert.Equal([LocalDeliveryBypass.Rule, moved, Main, Default], kernel.Rules());
        new LocalDeliveryBypass(kernel).Remove();
        Assert.Equal([moved, Main, Default], kernel.Rules());
    }

    /// <summary>The kernel's rule list: a new rule goes behind every rule of its preference or lower; identical rules are refused.</summary>
    private sealed class FakeRoutingRules(IEnumerable<RoutingRule> rules) : IRoutingRules
    {
        private readonly List<RoutingRule> _rules = [.. rules];

        /// <summary>The rule list after every change.</summary>
        public List<RoutingRule[]> History { get; } = [];

        public List<RoutingRule> Rules() => [.. _rules];

        public void AddRule(RoutingRule rule)
        {
            if (_rules.Contains(rule)) return;
            int behind = _rules.FindLastIndex(r => r.Preference <= rule.Preference);
            _rules.Insert(behind + 1, rule);
            History.Add([.. _rules]);
        }

        public void DeleteRule(RoutingRule rule)
        {
            if (_rules.Remove(rule)) History.Add([.. _rules]);
        }
    }
}
