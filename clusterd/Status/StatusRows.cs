using ClusterControl;

namespace Clusterd.Status;

/// <summary>One node as the pool table shows it.</summary>
public readonly record struct PoolRow(string Pool, Ipv4Address Node, NodeState State, int Cost, int Connections)
{
    public long Load => (long)Connections * Cost;

    /// <summary>The health check that applies to the node; null when it is not checked.</summary>
    public HealthCheck? Check { get; init; }

    /// <summary>For a drained node, the seconds after the drain began when what remains is ended; null: none.</summary>
    public int? DrainTimeout { get; init; }

    /// <summary>What its checks said last; null when it is not checked.</summary>
    public Clusterd.Core.NodeHealth? Health { get; init; }

    /// <summary>The State column: up, down, or failed (up, but failed by its health checks).</summary>
    public string StateWord => ClusterWords.StateWord(State, Health?.Failed == true);
}

/// <summary>One clustered connection as the connection table shows it.</summary>
public readonly record struct ConnectionRow(
    byte Protocol, string Pool, Ipv4Address Source, ushort SourcePort,
    Ipv4Address Destination, ushort DestinationPort, Ipv4Address Node, double ExpiresSeconds);
