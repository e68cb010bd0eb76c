using ClusterControl;

namespace Clusterd.State;

/// <summary>Checks that a loaded configuration is one the commands could have built.</summary>
public static class StateValidation
{
    public static void Check(ClusterConfig config)
    {
        var poolNames = new HashSet<string>();
        var ids = new HashSet<int>();
        foreach (var pool in config.Pools)
        {
            Require(PoolName.IsValid(pool.Name), $"bad pool name '{pool.Name}'");
            Require(poolNames.Add(pool.Name), $"pool {pool.Name} appears twice");
            Require(pool.Nodes is not null, $"pool {pool.Name} has no node list");
            Require(pool.Check?.Problem() is null, $"pool {pool.Name}: {pool.Check?.Problem()}");
            var addresses = new HashSet<Ipv4Address>();
            foreach (var node in pool.Nodes!)
            {
                Require(addresses.Add(node.Address), $"node {node.Address} appears twice in {pool.Name}");
                Require(node.Cost is >= ClusterWords.MinCost and <= ClusterWords.MaxCost, $"bad cost {node.Cost}");
                Require(node.Check?.Problem() is null, $"node {node.Address}: {node.Check?.Problem()}");
                Require(node.Id > 0 && node.Id < config.NextNodeId && ids.Add(node.Id), $"bad node id {node.Id}");
            }
        }
        foreach (var rule in config.FirewallRules)
            Require(rule is { Source: not null, Destination: not null, Interface: not null }, $"firewall rule {rule?.Id} lacks its addresses or interface");
        Require(config.DebugLevel >= 0, "bad debug level");
    }

    private static void Require(bool condition, string problem)
    {
        if (!condition) throw new InvalidDataException(problem);
    }
}
