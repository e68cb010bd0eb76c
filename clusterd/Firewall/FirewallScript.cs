using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>The firewall part of <c>clconfig -save</c>: one ipfwadm line per rule and setting. Filled in by the ipfwadm issue.</summary>
public static class FirewallScript
{
    public static IEnumerable<string> Lines(ClusterConfig config) => [];
}
