using ClusterControl;

namespace Clusterd.Status;

/// <summary>One node as the pool table shows it.</summary>
public readonly record struct PoolRow(string Pool, Ipv4Address Node, NodeState State, int Cost, int Connections)
{
    public long Load => (long)Connections * Cost;
}

/// <summary>One clustered connection as the connection table shows it.</summary>
public readonly record struct ConnectionRow(
    byte Protocol, string Pool, Ipv4Address Source, ushort SourcePort,
    Ipv4Address Destination, ushort DestinationPort, Ipv4Address Node, double ExpiresSeconds);
