using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Tests;

public sealed class StateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("statefile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void RulesAreSavedOnALineEachAndLoadAsTheyWere()
    {
        var file = new StateFile(_directory);
        var rules = new[]
        {
            new FirewallRule { Id = 1, Chain = FirewallChain.Input, Policy = RulePolicy.Deny, Source = new AddressMatch(Ipv4Address.Parse("10.0.0.0"), Ipv4Address.Parse("255.0.0.0"), [80, 90], true) },
            new FirewallRule { Id = 2, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = "pool0", TosAnd = 0x0f },
        };
        var config = ClusterConfig.Initial with { FirewallRules = [.. rules], NextRuleId = 3 };
        file.Save(config);
        file.Save(config with { FirewallRules = config.FirewallRules.RemoveAt(0) }); // the kept rule's text is written again
        file.Save(config);

        var lines = File.ReadAllLines(file.Path);
        Assert.Equal(2, lines.Count(line => line.TrimStart().StartsWith("{\"id\":", StringComparison.Ordinal)));
        var loaded = file.Load(out string? problem);
        Assert.Null(problem);
        Assert.Equal(config.FirewallRules, loaded.FirewallRules);
        Assert.Equal(3, loaded.NextRuleId);
    }

    [Fact]
    public void AConfigurationWithoutRulesLoadsWithNone()
    {
        var file = new StateFile(_directory);
        file.Save(ClusterConfig.Initial);
        Assert.Empty(file.Load(out _).FirewallRules);
    }
}
