using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Control;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>ipfwadm requests. Filled in by the ipfwadm issue.</summary>
public static class FirewallCommands
{
    public static ControlReply Execute(ClusterService service, FirewallRequest? request) =>
        ControlReply.Fail(ControlError.BadRequest, "firewall requests are not supported yet");

    /// <summary>Whether a cluster rule sends connections to <paramref name="pool"/>.</summary>
    public static bool NamesPool(ClusterConfig config, string pool) => false;

    /// <summary>Whether a cluster rule names <paramref name="node"/> of <paramref name="pool"/> as its static node.</summary>
    public static bool NamesNode(ClusterConfig config, string pool, Ipv4Address node) => false;
}
