using System.Diagnostics;
using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Bench;

/// <summary>
/// What the Maglev scheduler costs in clusterd: building a pool's table (on each configuration
/// change) and choosing a node per new connection, against the least-load policy's choice measured
/// in the same run. In-process, no lab: the cost is clusterd's own CPU time per decision.
/// </summary>
public static class MaglevCost
{
    private const int Lookups = 2_000_000;

    public static void Run()
    {
        foreach (int nodes in new[] { 3, 10, 100, 1000 })
        {
            var pool = new PoolConfig("pool1", ForwardMethod.Route,
                [.. Enumerable.Range(1, nodes).Select(i => new NodeConfig(new Ipv4Address(0x0a000000u + (uint)i), NodeState.Up, 10, i))]);
            double buildMs = Median(5, () => MaglevTable.Build(pool.Nodes)).TotalMilliseconds;
            double maglevNs = PerChoice(new MaglevPolicy(), pool);
            double leastLoadNs = PerChoice(new LeastLoadPolicy(), pool);
            Console.WriteLine($"nodes {nodes} build_ms {buildMs:F2} maglev_ns {maglevNs:F1} leastload_ns {leastLoadNs:F1}");
        }
    }

    /// <summary>Nanoseconds per choice over distinct flows, the loads left empty so both policies do only their choosing.</summary>
    private static double PerChoice(ISchedulingPolicy policy, PoolConfig pool)
    {
        var loads = new NodeLoads();
        policy.Choose(pool, loads, 0); // builds the table, warms the code
        int checksum = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Lookups; i++)
            checksum += policy.Choose(pool, loads, FlowHash.Of(6, new Ipv4Address(0xc0000200u + (uint)i), (ushort)i, new Ipv4Address(0x01020304), 80))!.Id;
        clock.Stop();
        GC.KeepAlive(checksum);
        return clock.Elapsed.TotalNanoseconds / Lookups;
    }

    private static TimeSpan Median(int runs, Action action)
    {
        action();
        var times = new List<TimeSpan>();
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times.Add(clock.Elapsed);
        }
        times.Sort();
        return times[runs / 2];
    }
}
