using ClusterControl;
using Clusterd.Firewall;
using Clusterd.State;

namespace Clusterd.Control;

/// <summary>
/// <c>clconfig -save</c>: the configuration as the commands that build it. Run against a daemon
/// that holds only the initial pool0, the script rebuilds the same state, so saving again prints
/// the same text.
/// </summary>
public static class ConfigScript
{
    public static void Write(TextWriter writer, ClusterConfig config)
    {
        writer.Write("#!/bin/sh\n# ip_cluster configuration, written by clconfig -save\nset -e\n");
        foreach (var pool in config.Pools)
        {
            if (pool.Name != PoolName.First) writer.Write($"clconfig -create {pool.Name} {pool.Forward.Word()}{SchedulerSuffix(pool)}\n");
            else if (pool.Forward != ForwardMethod.Route) writer.Write($"clconfig -forward {pool.Name} {pool.Forward.Word()}\n");
            if (pool.Name == PoolName.First && pool.Scheduler != PoolScheduler.LeastLoad)
                writer.Write($"clconfig -scheduler {pool.Name} {pool.Scheduler.Word()}\n");
            foreach (var node in pool.Nodes)
                writer.Write($"clconfig -add {pool.Name} {node.Address} {node.State.Word()}{DrainWords(node)} cost {node.Cost}\n");
            if (pool.Sticky is { } sticky) writer.Write($"clconfig -sticky {pool.Name} {sticky.Seconds}{StickyMaskWords(sticky)}\n");
            if (pool.SlowStart is { } slowStart) writer.Write($"clconfig -slowstart {pool.Name} {slowStart}\n");
            if (pool.Check is { } poolCheck) writer.Write($"clconfig -check {pool.Name} {CheckScript.Words(poolCheck)}\n");
            foreach (var node in pool.Nodes)
                if (node.Check is { } nodeCheck) writer.Write($"clconfig -check {pool.Name} {node.Address} {CheckScript.Words(nodeCheck)}\n");
        }
        if (config.DebugLevel != 0) writer.Write($"clconfig -debug {config.DebugLevel}\n");
        foreach (string line in FirewallScript.Lines(config)) writer.Write(line + "\n");
    }

    /// <summary>Least load is the default, so scripts of pools that keep it read as they did before schedulers.</summary>
    private static string SchedulerSuffix(PoolConfig pool) =>
        pool.Scheduler == PoolScheduler.LeastLoad ? "" : " " + pool.Scheduler.Word();

    private static string StickyMaskWords(Persistence sticky) => sticky.Mask == Persistence.HostMask ? "" : $" mask {sticky.Mask}";

    private static string DrainWords(NodeConfig node) => node.DrainTimeout is { } seconds ? $" timeout {seconds}" : "";
}
