using ClusterControl;
using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Control;

/// <summary>
/// The clconfig language as changes to a configuration. Each method returns the new configuration
/// or throws <see cref="RefusedException"/>; clusterd re-checks everything a client sends.
/// </summary>
public static class PoolCommands
{
    public static ClusterConfig AddNode(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        var address = RequireNode(request.Node);
        if (config.FindPool(pool.Name)!.FindNode(address) is not null)
            throw new RefusedException(ControlError.Exists, $"node {address} is already in {pool.Name} (use -set)");
        int cost = RequireCost(request.Cost) ?? ClusterWords.DefaultCost;
        var state = request.State ?? NodeState.Up;
        var node = new NodeConfig(address, state, cost, config.NextNodeId) { DrainTimeout = RequireDrainTimeout(state, request.DrainTimeout) };
        return config.WithPool(pool.WithNode(node)) with { NextNodeId = config.NextNodeId + 1 };
    }

    public static ClusterConfig SetNode(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        var node = RequireExistingNode(pool, request.Node);
        var state = request.State ?? node.State;
        var changed = node with
        {
            State = state,
            Cost = RequireCost(request.Cost) ?? node.Cost,
            DrainTimeout = request.State is null ? node.DrainTimeout : RequireDrainTimeout(state, request.DrainTimeout),
        };
        return changed == node ? config : config.WithPool(pool.WithNode(changed));
    }

    public static ClusterConfig DeleteNode(ClusterConfig config, ControlRequest request, Func<string, Ipv4Address, bool> namedByRule)
    {
        var pool = RequirePool(config, request.Pool);
        var node = RequireExistingNode(pool, request.Node);
        if (namedByRule(pool.Name, node.Address))
            throw new RefusedException(ControlError.InUse, $"node {node.Address} of {pool.Name} is named by a cluster rule (-V)");
        return config.WithPool(pool with { Nodes = pool.Nodes.Remove(node) });
    }

    public static ClusterConfig CreatePool(ClusterConfig config, ControlRequest request)
    {
        string name = RequirePoolName(request.Pool);
        if (config.FindPool(name) is not null)
            throw new RefusedException(ControlError.Exists, $"pool {name} already exists");
        return config.WithPool(new PoolConfig(name, request.Forward ?? ForwardMethod.Route, []) { Scheduler = request.Scheduler ?? PoolScheduler.LeastLoad });
    }

    public static ClusterConfig SetScheduler(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        var scheduler = request.Scheduler ?? throw new RefusedException(ControlError.BadRequest, "missing scheduler");
        return scheduler == pool.Scheduler ? config : config.WithPool(pool with { Scheduler = scheduler });
    }

    public static ClusterConfig SetForward(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        var method = request.Forward ?? throw new RefusedException(ControlError.BadRequest, "missing forwarding method");
        return method == pool.Forward ? config : config.WithPool(pool with { Forward = method });
    }

    public static ClusterConfig DestroyPool(ClusterConfig config, ControlRequest request, Func<string, bool> namedByRule)
    {
        var pool = RequirePool(config, request.Pool);
        if (pool.Nodes.Count > 0)
            throw new RefusedException(ControlError.InUse, $"pool {pool.Name} still has {pool.Nodes.Count} node{(pool.Nodes.Count == 1 ? "" : "s")}");
        if (namedByRule(pool.Name))
            throw new RefusedException(ControlError.InUse, $"pool {pool.Name} is used by a cluster rule");
        return config with { Pools = config.Pools.Remove(pool) };
    }

    /// <summary>
    /// -check POOL KIND ...: the pool's check (kind none removes it); -check POOL ADDR KIND ...: the
    /// node's own (kind none: not checked), or, with no check, the node follows its pool again.
    /// </summary>
    public static ClusterConfig SetCheck(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        if (request.Check?.Problem() is { } problem) throw new RefusedException(ControlError.BadRequest, problem);
        if (request.Node is not null)
        {
            var node = RequireExistingNode(pool, request.Node);
            var changed = node with { Check = request.Check };
            return changed == node ? config : config.WithPool(pool.WithNode(changed));
        }
        var check = request.Check ?? throw new RefusedException(ControlError.BadRequest, "missing check");
        var next = pool with { Check = check.Kind == CheckKind.None ? null : check };
        return next == pool ? config : config.WithPool(next);
    }

    /// <summary>-sticky POOL SECONDS [mask M]: the pool's persistence; none (a null one) turns it off.</summary>
    public static ClusterConfig SetSticky(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        if (request.Sticky?.Problem() is { } problem) throw new RefusedException(ControlError.BadRequest, problem);
        var next = pool with { Sticky = request.Sticky };
        return next == pool ? config : config.WithPool(next);
    }

    /// <summary>-slowstart POOL SECONDS: how long a node that comes back ramps up; none (null) turns it off.</summary>
    public static ClusterConfig SetSlowStart(ClusterConfig config, ControlRequest request)
    {
        var pool = RequirePool(config, request.Pool);
        if (request.SlowStart is < 1 or > ClusterWords.MaxSlowStart)
            throw new RefusedException(ControlError.BadRequest, $"bad slow start '{request.SlowStart}'");
        var next = pool with { SlowStart = request.SlowStart };
        return next == pool ? config : config.WithPool(next);
    }

    public static ClusterConfig SetDebug(ClusterConfig config, ControlRequest request) =>
        request.Level is >= 0 and <= 9 ? config with { DebugLevel = request.Level.Value }
            : throw new RefusedException(ControlError.BadRequest, "debug level must be 0..9");

    public static PoolConfig RequirePool(ClusterConfig config, string? name) =>
        config.FindPool(RequirePoolName(name)) ?? throw new RefusedException(ControlError.NoSuchPool, $"no such pool '{name}'");

    private static string RequirePoolName(string? name) =>
        PoolName.IsValid(name) ? name! : throw new RefusedException(ControlError.BadRequest, $"bad pool name '{name}'");

    private static Ipv4Address RequireNode(Ipv4Address? address) =>
        address ?? throw new RefusedException(ControlError.BadRequest, "missing node address");

    private static NodeConfig RequireExistingNode(PoolConfig pool, Ipv4Address? address)
    {
        var wanted = RequireNode(address);
        return pool.FindNode(wanted) ?? throw new RefusedException(ControlError.NoSuchNode, $"no node {wanted} in {pool.Name}");
    }

    private static int? RequireDrainTimeout(NodeState state, int? timeout) =>
        timeout is null ? null
        : state != NodeState.Drain ? throw new RefusedException(ControlError.BadRequest, "a timeout is given only with drain")
        : timeout is >= 1 and <= ClusterWords.MaxDrainTimeout ? timeout
        : throw new RefusedException(ControlError.BadRequest, $"bad drain timeout '{timeout}'");

    private static int? RequireCost(int? cost) =>
        cost is null or (>= ClusterWords.MinCost and <= ClusterWords.MaxCost) ? cost
            : throw new RefusedException(ControlError.BadRequest, $"bad cost '{cost}'");
}
