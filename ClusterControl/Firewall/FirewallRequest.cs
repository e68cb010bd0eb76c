namespace ClusterControl.Firewall;

/// <summary>An ipfwadm command as clusterd needs it. Filled in by the ipfwadm issue.</summary>
public sealed record FirewallRequest
{
    public bool IsReadOnly { get; init; }
}

public sealed record FirewallAnswer;
