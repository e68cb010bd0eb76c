using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>
/// While the kernel takes a change that leaves the pools as they are, verdicts go on, and the
/// change's own cluster rules are served from the moment the kernel may tag packets with them; a
/// change to the pools holds the verdicts until the kernel has it.
/// </summary>
public sealed class ChangeBesideVerdictsTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);
    private static readonly Ipv4Address Second = Ipv4Address.Parse("10.0.0.2");

    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2") with
    {
        FirewallRules = [ClusterRule(1)],
        NextRuleId = 2,
    });

    private readonly ManualResetEventSlim _nft = new();

    private ClusterService Service => _cluster.Service;

    private static FirewallRule ClusterRule(int id) => new() { Id = id, Chain = FirewallChain.Input, Policy = RulePolicy.Cluster, Interface = PoolName.First };

    private static Flow Connection(ushort port) => new(Flow.Tcp, Ipv4Address.Parse("192.0.2.9"), port, Ipv4Address.Parse("1.2.3.4"), 80);

    private static ClusterConfig WithSecondClusterRule(ClusterConfig config) =>
        config with { FirewallRules = config.FirewallRules.Add(ClusterRule(2)), NextRuleId = 3 };

    /// <summary>Starts <paramref name="change"/> on a thread of its own and returns once the kernel is taking it (and waiting for <see cref="_nft"/>).</summary>
    private Task ChangeSlowly(Func<ClusterConfig, ClusterConfig> change)
    {
        _cluster.Kernel.Slow = _nft;
        var changing = Task.Factory.StartNew(() => Service.Change(change), TaskCreationOptions.LongRunning);
        Assert.True(_cluster.Kernel.Applying.Wait(Patience), "the change never reached the kernel");
        return changing;
    }

    /// <summary>Whether <paramref name="task"/> ends within <paramref name="time"/>.</summary>
    private static async Task<bool> EndsWithin(Task task, TimeSpan time) => await Task.WhenAny(task, Task.Delay(time)) == task;

    private static Task<NodeConfig?> Verdict(Func<NodeConfig?> schedule) => Task.Factory.StartNew(schedule, TaskCreationOptions.LongRunning);

    private static async Task<NodeConfig?> ScheduledWithin(TimeSpan time, Func<NodeConfig?> schedule)
    {
        var verdict = Verdict(schedule);
        Assert.True(await EndsWithin(verdict, time), "the verdict waited for the change");
        return await verdict;
    }

    [Fact]
    public async Task AFirewallChangeLetsTheVerdictsGoOnAndItsNewClusterRuleIsServedAtOnce()
    {
        var changing = ChangeSlowly(WithSecondClusterRule);

        Assert.NotNull(await ScheduledWithin(Patience, () => Service.Schedule(1, Connection(1000))));
        Assert.NotNull(await ScheduledWithin(Patience, () => Service.Schedule(2, Connection(1001)))); // the kernel may tag with it already
        Assert.Single(Service.Config.FirewallRules); // not in force before the kernel and the disk have it

        _nft.Set();
        await changing.WaitAsync(Patience);
        Assert.Equal(2, Service.Config.FirewallRules.Length);
        Assert.NotNull(Service.Schedule(2, Connection(1002)));
    }

    [Fact]
    public void ARefusedFirewallChangeLeavesItsClusterRuleUnknown()
    {
        _cluster.Kernel.Refuse = config => config.FirewallRules.Length == 2;

        Assert.Throws<KernelRefusedException>(() => Service.Change(WithSecondClusterRule));

        Assert.Null(Service.Schedule(2, Connection(1000)));
        Assert.NotNull(Service.Schedule(1, Connection(1001)));
    }

    [Fact]
    public async Task APoolChangeHoldsTheVerdictsUntilTheKernelHasIt()
    {
        var changing = ChangeSlowly(config =>
        {
            var pool = config.FindPool(PoolName.First)!;
            return config.WithPool(pool with { Nodes = pool.Nodes.RemoveAll(n => n.Address == Second) });
        });
        var verdict = Verdict(() => Service.Schedule(1, Connection(1000)));
        Assert.False(await EndsWithin(verdict, TimeSpan.FromMilliseconds(300)), "a verdict went on while the pools were being changed");

        _nft.Set();
        await changing.WaitAsync(Patience);
        var chosen = await verdict.WaitAsync(Patience);
        Assert.NotEqual(Second, chosen!.Address); // chosen by the pool the kernel holds now
    }

    public void Dispose()
    {
        _nft.Set();
        _cluster.Dispose();
        _nft.Dispose();
    }
}
