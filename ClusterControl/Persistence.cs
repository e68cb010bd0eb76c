namespace ClusterControl;

/// <summary>
/// A pool's persistence (clconfig -sticky): new connections from one client address, under
/// <see cref="Mask"/>, go to the node that client used last while that node takes new connections,
/// until <see cref="Seconds"/> pass after the client's last new connection.
/// </summary>
public sealed record Persistence(int Seconds, Ipv4Address Mask)
{
    public const int MaxSeconds = 24 * 3600;

    /// <summary>Clients remembered at most, over all pools; a client beyond it is scheduled as without persistence until entries expire.</summary>
    public const int MaxClients = 65536;

    public static Ipv4Address HostMask { get; } = new(0xffff_ffff);

    /// <summary>What is wrong with this persistence, or null: seconds in range, the mask contiguous.</summary>
    public string? Problem() =>
        Seconds is < 1 or > MaxSeconds ? $"bad sticky time '{Seconds}' (expected 1..{MaxSeconds} seconds, or 0 for none)"
        : (~Mask.Value & (~Mask.Value + 1)) != 0 ? $"bad sticky mask '{Mask}' (expected a contiguous netmask)"
        : null;
}
