namespace ClusterControl;

/// <summary>How a pool chooses the node of a new connection (see clconfig(8)).</summary>
public enum PoolScheduler
{
    /// <summary>The 1997 behaviour: the node with the least active connections × cost.</summary>
    LeastLoad,
    /// <summary>
    /// Maglev consistent hashing of the connection's 5-tuple over the nodes' addresses: front-ends
    /// that share nothing choose the same node for the same flow, and removing a node moves only
    /// the flows it had.
    /// </summary>
    Maglev,
}

public static class SchedulerWords
{
    public const string Choices = "leastload or maglev";

    public static string Word(this PoolScheduler scheduler) => scheduler == PoolScheduler.Maglev ? "maglev" : "leastload";

    public static bool TryParse(string word, out PoolScheduler scheduler)
    {
        scheduler = word == "maglev" ? PoolScheduler.Maglev : PoolScheduler.LeastLoad;
        return word is "leastload" or "maglev";
    }
}
