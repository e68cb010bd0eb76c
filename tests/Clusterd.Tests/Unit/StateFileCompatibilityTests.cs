using ClusterControl;
using Clusterd.State;

namespace Clusterd.Tests.Unit;

/// <summary>A node's id is saved under its old name, <c>mark</c>, so the state files of earlier versions still load.</summary>
public sealed class StateFileCompatibilityTests : IDisposable
{
    /// <summary>A state.json as clusterd 1.0 wrote it.</summary>
    private const string Saved = """
        {"pools":[{"name":"pool0","forward":"Route","nodes":[{"address":"10.0.0.1","state":"Up","cost":10,"mark":3}]}],
         "firewallRules":[],
         "inputPolicy":{"policy":"Accept","masquerade":false},"outputPolicy":{"policy":"Accept","masquerade":false},
         "forwardPolicy":{"policy":"Accept","masquerade":false},"masqueradeTimeouts":{"tcp":900,"tcpFin":120,"udp":300},
         "nextRuleId":1,"debugLevel":0,"nextMark":4}
        """;

    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("ipc-state-");

    [Fact]
    public void AStateFileOfAnEarlierVersionLoads()
    {
        var file = new StateFile(_state.FullName);
        File.WriteAllText(file.Path, Saved);

        var config = file.Load(out string? problem);

        Assert.Null(problem);
        Assert.Equal(new NodeConfig(Ipv4Address.Parse("10.0.0.1"), NodeState.Up, 10, 3), Assert.Single(config.AllNodes));
        Assert.Equal(4, config.NextNodeId);
    }

    [Fact]
    public void ItIsSavedTheSameWay()
    {
        var file = new StateFile(_state.FullName);
        File.WriteAllText(file.Path, Saved);
        file.Save(file.Load(out _));

        string saved = File.ReadAllText(file.Path);
        Assert.Contains("\"mark\": 3", saved);
        Assert.Contains("\"nextMark\": 4", saved);
    }

    public void Dispose() => _state.Delete(recursive: true);
}
