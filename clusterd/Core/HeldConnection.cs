namespace Clusterd.Core;

/// <summary>A connection clusterd counts: its flow, its node and pool, and when conntrack expires it (<see cref="Environment.TickCount64"/>; <see cref="ConnectionTable.Unknown"/> until conntrack has reported it).</summary>
public readonly record struct HeldConnection(Flow Flow, NodePlacement Node, long ExpiresAt);
