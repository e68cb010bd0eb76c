using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.State;

namespace Clusterd.Tests.Unit;

public sealed class StateFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("statefile-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string JournalPath => Path.Combine(_directory, StateFile.JournalFileName);

    private static FirewallRule Rule(int id) => new() { Id = id, Chain = FirewallChain.Input, Policy = RulePolicy.Deny };

    private static ClusterConfig WithRules(params int[] ids) =>
        ClusterConfig.Initial with { FirewallRules = [.. ids.Select(Rule)], NextRuleId = ids.DefaultIfEmpty().Max() + 1 };

    /// <summary>Rule 1 in state.json, rule 2 added in the journal.</summary>
    private void SaveWithAJournaledRule()
    {
        var file = new StateFile(_directory);
        var config = WithRules(1);
        file.Save(config);
        file.Save(config with { FirewallRules = config.FirewallRules.Add(Rule(2)), NextRuleId = 3 });
    }

    [Fact]
    public void RulesAreSavedOnALineEachAndLoadAsTheyWere()
    {
        var file = new StateFile(_directory);
        var config = ClusterConfig.Initial with
        {
            FirewallRules =
            [
                Rule(1) with { Source = new AddressMatch(Ipv4Address.Parse("10.0.0.0"), Ipv4Address.Parse("255.0.0.0"), [80, 90], true) },
                Rule(2) with { Policy = RulePolicy.Cluster, Interface = "pool0", TosAnd = 0x0f },
            ],
            NextRuleId = 3,
        };
        file.Save(config);

        Assert.Equal(2, File.ReadAllLines(file.Path).Count(line => line.TrimStart().StartsWith("{\"id\":", StringComparison.Ordinal)));
        var loaded = new StateFile(_directory).Load(out string? problem);
        Assert.Null(problem);
        Assert.Equal<FirewallRule>(config.FirewallRules, loaded.FirewallRules); // rule by rule: arrays alone compare by reference
        Assert.Equal(3, loaded.NextRuleId);
    }

    [Fact]
    public void RuleChangesAreJournaledAndLoadOverTheSnapshot()
    {
        var file = new StateFile(_directory);
        var config = WithRules(1, 2, 3);
        file.Save(config);
        byte[] snapshot = File.ReadAllBytes(file.Path);

        config = config with { FirewallRules = config.FirewallRules.Insert(1, Rule(4)), NextRuleId = 5 };
        file.Save(config);
        config = config with { FirewallRules = config.FirewallRules.RemoveAt(3) };
        file.Save(config);

        Assert.Equal(snapshot, File.ReadAllBytes(file.Path));
        Assert.Equal(3, File.ReadAllLines(JournalPath).Length);
        var loaded = new StateFile(_directory).Load(out string? problem);
        Assert.Null(problem);
        Assert.Equal([1, 4, 2], loaded.FirewallRules.Select(rule => rule.Id));
        Assert.Equal(5, loaded.NextRuleId);
    }

    [Fact]
    public void AnyOtherChangeWritesTheWholeConfigurationAndStartsTheJournalAgain()
    {
        var file = new StateFile(_directory);
        var config = WithRules(1);
        file.Save(config);
        file.Save(config = config with { FirewallRules = config.FirewallRules.Add(Rule(2)), NextRuleId = 3 });
        file.Save(config = config with { DebugLevel = 2 });

        Assert.Single(File.ReadAllLines(JournalPath));
        var loaded = new StateFile(_directory).Load(out _);
        Assert.Equal([1, 2], loaded.FirewallRules.Select(rule => rule.Id));
        Assert.Equal(2, loaded.DebugLevel);
    }

    [Fact]
    public void AChangeACrashCutShortIsLeftOut()
    {
        SaveWithAJournaledRule();
        File.AppendAllText(JournalPath, "{\"rules\":{\"kept\":2,\"rem");

        var loaded = new StateFile(_directory).Load(out string? problem);
        Assert.Null(problem);
        Assert.Equal([1, 2], loaded.FirewallRules.Select(rule => rule.Id));
    }

    [Fact]
    public void AJournalBesideAnotherSnapshotIsNotApplied()
    {
        SaveWithAJournaledRule();
        string snapshot = Path.Combine(_directory, StateFile.FileName);
        File.WriteAllText(snapshot, File.ReadAllText(snapshot).Replace("\"debugLevel\": 0", "\"debugLevel\": 3", StringComparison.Ordinal)); // edited by hand

        var loaded = new StateFile(_directory).Load(out string? problem);
        Assert.Null(problem);
        Assert.Equal([1], loaded.FirewallRules.Select(rule => rule.Id));
        Assert.Equal(3, loaded.DebugLevel);
    }

    [Fact]
    public void ACorruptJournalIsKeptAsideAndTheSnapshotLoads()
    {
        SaveWithAJournaledRule();
        File.AppendAllText(JournalPath, "{\"rules\":{\"kept\":9,\"removed\":0,\"added\":[]},\"nextRuleId\":3}\n"); // past the end of the rules

        var loaded = new StateFile(_directory).Load(out string? problem);
        Assert.Contains("state journal", problem);
        Assert.Equal([1], loaded.FirewallRules.Select(rule => rule.Id));
        Assert.False(File.Exists(JournalPath));
        Assert.Single(Directory.GetFiles(_directory, StateFile.JournalFileName + ".corrupt-*"));
    }

    [Fact]
    public void AGoneJournalMakesTheNextSaveWriteEverything()
    {
        var file = new StateFile(_directory);
        var config = WithRules(1);
        file.Save(config);
        File.Delete(JournalPath);
        file.Save(config = config with { FirewallRules = config.FirewallRules.Add(Rule(2)), NextRuleId = 3 });

        Assert.Single(File.ReadAllLines(JournalPath));
        Assert.Equal([1, 2], new StateFile(_directory).Load(out _).FirewallRules.Select(rule => rule.Id));
    }

    [Fact]
    public void AConfigurationWithoutRulesLoadsWithNone()
    {
        var file = new StateFile(_directory);
        file.Save(ClusterConfig.Initial);
        Assert.Empty(new StateFile(_directory).Load(out _).FirewallRules);
    }
}
