using ClusterControl;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.State;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>The clconfig language as pure changes to a configuration.</summary>
public sealed class PoolCommandsTests
{
    private static readonly Ipv4Address Node = Ipv4Address.Parse("10.0.0.1");
    private static readonly ClusterConfig OneNode = TestCluster.WithNodes("10.0.0.1");

    private static ControlRequest Request(ControlOp op, string pool = PoolName.First) => new() { Op = op, Pool = pool, Node = Node };

    private static ControlError Refusal(Func<ClusterConfig> change) => Assert.Throws<RefusedException>(change).Error;

    [Fact]
    public void AddGivesEachNewNodeTheNextId()
    {
        var config = PoolCommands.AddNode(ClusterConfig.Initial, Request(ControlOp.Add) with { Cost = 7 });

        var node = Assert.Single(config.AllNodes);
        Assert.Equal(new NodeConfig(Node, NodeState.Up, 7, 1), node);
        Assert.Equal(2, config.NextNodeId);
    }

    [Fact]
    public void SchedulerIsLeastLoadUnlessCreatedOrSetOtherwise()
    {
        var created = PoolCommands.CreatePool(ClusterConfig.Initial, new ControlRequest { Op = ControlOp.Create, Pool = "pool1", Scheduler = PoolScheduler.Maglev });
        Assert.Equal(PoolScheduler.Maglev, created.FindPool("pool1")!.Scheduler);
        Assert.Equal(PoolScheduler.LeastLoad, created.FindPool(PoolName.First)!.Scheduler);

        var set = PoolCommands.SetScheduler(created, new ControlRequest { Op = ControlOp.Scheduler, Pool = "pool1", Scheduler = PoolScheduler.LeastLoad });
        Assert.Equal(PoolScheduler.LeastLoad, set.FindPool("pool1")!.Scheduler);
        Assert.Same(set, PoolCommands.SetScheduler(set, new ControlRequest { Op = ControlOp.Scheduler, Pool = "pool1", Scheduler = PoolScheduler.LeastLoad }));
        Assert.Equal(ControlError.BadRequest, Refusal(() => PoolCommands.SetScheduler(set, new ControlRequest { Op = ControlOp.Scheduler, Pool = "pool1" })));
        Assert.Equal(ControlError.NoSuchPool, Refusal(() => PoolCommands.SetScheduler(set, new ControlRequest { Op = ControlOp.Scheduler, Pool = "pool9", Scheduler = PoolScheduler.Maglev })));
    }

    [Fact]
    public void AddRefusesANodeAlreadyThereAPoolNotThereAndABadCost()
    {
        Assert.Equal(ControlError.Exists, Refusal(() => PoolCommands.AddNode(OneNode, Request(ControlOp.Add))));
        Assert.Equal(ControlError.NoSuchPool, Refusal(() => PoolCommands.AddNode(OneNode, Request(ControlOp.Add, "pool7"))));
        Assert.Equal(ControlError.BadRequest, Refusal(() => PoolCommands.AddNode(OneNode, Request(ControlOp.Add, "no pool"))));
        Assert.Equal(ControlError.BadRequest, Refusal(() => PoolCommands.AddNode(ClusterConfig.Initial, Request(ControlOp.Add) with { Cost = -1 })));
    }

    [Fact]
    public void SetChangesOnlyWhatWasGivenAndNothingWhenNothingChanges()
    {
        var config = PoolCommands.SetNode(OneNode, Request(ControlOp.Set) with { State = NodeState.Down });

        Assert.Equal(new NodeConfig(Node, NodeState.Down, 1, 1), Assert.Single(config.AllNodes));
        Assert.Same(OneNode, PoolCommands.SetNode(OneNode, Request(ControlOp.Set)));
        Assert.Equal(ControlError.NoSuchNode, Refusal(() => PoolCommands.SetNode(ClusterConfig.Initial, Request(ControlOp.Set))));
    }

    [Fact]
    public void DeleteRefusesANodeAClusterRuleNames()
    {
        Assert.Empty(PoolCommands.DeleteNode(OneNode, Request(ControlOp.Del), (_, _) => false).AllNodes);
        Assert.Equal(ControlError.InUse, Refusal(() => PoolCommands.DeleteNode(OneNode, Request(ControlOp.Del), (_, _) => true)));
    }

    [Fact]
    public void CreateAndDestroyAPool()
    {
        var created = PoolCommands.CreatePool(ClusterConfig.Initial, Request(ControlOp.Create, "pool1") with { Forward = ForwardMethod.Masq });

        Assert.Equal(ForwardMethod.Masq, created.FindPool("pool1")!.Forward);
        Assert.Equal(ControlError.Exists, Refusal(() => PoolCommands.CreatePool(created, Request(ControlOp.Create, "pool1"))));
        Assert.Null(PoolCommands.DestroyPool(created, Request(ControlOp.Destroy, "pool1"), _ => false).FindPool("pool1"));
        Assert.Equal(ControlError.InUse, Refusal(() => PoolCommands.DestroyPool(created, Request(ControlOp.Destroy, "pool1"), _ => true)));
        Assert.Equal(ControlError.InUse, Refusal(() => PoolCommands.DestroyPool(OneNode, Request(ControlOp.Destroy), _ => false)));
    }

    [Fact]
    public void ForwardAndDebug()
    {
        Assert.Equal(ForwardMethod.Masq, PoolCommands.SetForward(OneNode, Request(ControlOp.Forward) with { Forward = ForwardMethod.Masq }).FindPool(PoolName.First)!.Forward);
        Assert.Equal(ControlError.BadRequest, Refusal(() => PoolCommands.SetForward(OneNode, Request(ControlOp.Forward))));
        Assert.Equal(9, PoolCommands.SetDebug(OneNode, new ControlRequest { Op = ControlOp.Debug, Level = 9 }).DebugLevel);
        Assert.Equal(ControlError.BadRequest, Refusal(() => PoolCommands.SetDebug(OneNode, new ControlRequest { Op = ControlOp.Debug, Level = 10 })));
    }
}
