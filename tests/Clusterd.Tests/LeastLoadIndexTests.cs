using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Clusterd.Tests;

/// <summary>
/// Least load keeps an index instead of reading every node per connection; its choices must be the
/// ones a pass over the pool makes (<see cref="ChooseByScan"/>, the definition), whatever happens to
/// the loads between them: connections opening and ending, nodes failing and recovering, slow starts
/// beginning, ending and running out, the pool changing.
/// </summary>
public sealed class LeastLoadIndexTests
{
    /// <summary>The least load, ties to the first at or after the cursor, over the nodes that take new connections.</summary>
    private static int ChooseByScan(PoolConfig pool, NodeLoads loads, int cursor)
    {
        int best = -1;
        long bestLoad = long.MaxValue;
        for (int step = 0; step < pool.Nodes.Count; step++)
        {
            int index = (cursor + step) % pool.Nodes.Count;
            if (!loads.TakesNew(pool.Nodes[index])) continue;
            long load = loads.Load(pool.Nodes[index]);
            if (load < bestLoad) (best, bestLoad) = (index, load);
        }
        return best;
    }

    private static PoolConfig RandomPool(Random random, int nodes) =>
        new("pool0", ForwardMethod.Route, [.. Enumerable.Range(1, nodes).Select(id =>
            new NodeConfig(new Ipv4Address(0x0a000000u + (uint)id), random.Next(8) == 0 ? NodeState.Down : NodeState.Up, 10 * random.Next(1, 4), id))]);

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(200)]
    public void ChoosesWhatAPassOverThePoolChooses(int nodes)
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var random = new Random(seed);
            var pool = RandomPool(random, nodes);
            var loads = new NodeLoads();
            var policy = new LeastLoadPolicy();
            int cursor = 0;
            for (int step = 0; step < 2000; step++)
            {
                loads.NowMs += random.Next(0, 50);
                int expected = ChooseByScan(pool, loads, cursor % pool.Nodes.Count);
                var chosen = policy.Choose(pool, loads, 0);
                Assert.Equal(expected < 0 ? null : pool.Nodes[expected], chosen);
                if (chosen is not null)
                {
                    cursor = expected + 1;
                    if (random.Next(3) > 0) loads.Increment(chosen.Id);
                }
                Disturb(random, pool, loads);
                if (random.Next(500) == 0) pool = RandomPool(random, nodes); // a configuration change: the cursor stays
            }
        }
    }

    private static void Disturb(Random random, PoolConfig pool, NodeLoads loads)
    {
        int id = pool.Nodes[random.Next(pool.Nodes.Count)].Id;
        switch (random.Next(12))
        {
            case 0 or 1 or 2: loads.Decrement(id); break;
            case 3: loads.SetFailed(id, random.Next(2) == 0); break;
            case 4: loads.StartRamp(id, loads.NowMs, random.Next(1, 2000)); break;
            case 5: loads.EndRamp(id); break;
            case 6 when random.Next(50) == 0: loads.Clear(); break;
        }
    }
}
