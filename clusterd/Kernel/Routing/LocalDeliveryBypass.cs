namespace Clusterd.Kernel.Routing;

/// <summary>
/// Lets route mode work on a front-end that owns the shared address itself, as the 1997 notes set
/// it up ("ifconfig eth0:0 1.2.3.4"). The kernel's first rule, <c>0: lookup local</c>, would deliver
/// every packet for the shared address to the front-end before any fwmark rule is read. One rule
/// ahead of it, <c>0: fwmark NODE/TAGS goto 10000</c>, sends the packets that carry a node mark —
/// only the original direction of a connection a cluster rule scheduled — on to clusterd's per-node
/// rules; every other packet meets the rules exactly as before, so the front-end still serves its own
/// addresses, and the shared address on ports no cluster rule covers.
/// </summary>
/// <remarks>
/// A new rule goes behind the rules of its preference, so getting ahead of <c>lookup local</c> at
/// preference 0 takes a short reshuffle, done without a moment when local delivery is missing: a
/// stand-in <c>lookup local</c> at preference 1, the original deleted, the bypass added, the
/// original re-added behind it, the stand-in deleted. Removing the bypass restores the rules as they
/// were. The bypass stays in place when clusterd stops (established connections keep needing it);
/// <c>clusterd --cleanup</c> removes it.
/// </remarks>
public sealed class LocalDeliveryBypass(IRoutingRules kernel)
{
    private const uint LocalPreference = 0, StandInPreference = 1;

    public static readonly RoutingRule Rule =
        RoutingRule.Goto(LocalPreference, PolicyRoutes.Preference, Marks.NodeTag, Marks.TagMask);

    private static readonly RoutingRule Local = RoutingRule.Lookup(LocalPreference, RoutingRule.LocalTable);
    private static readonly RoutingRule StandIn = RoutingRule.Lookup(StandInPreference, RoutingRule.LocalTable);

    /// <summary>Puts the bypass ahead of local delivery, unless it already is (a restart, or after a crash).</summary>
    public void Install()
    {
        var current = kernel.Rules();
        int bypass = current.IndexOf(Rule);
        int local = current.FindIndex(r => r.Preference == LocalPreference && r.IsLocalDelivery);
        if (local < 0 && current.Contains(StandIn))
        {
            // A crash in the middle of the reshuffle: finish it.
            if (bypass < 0) kernel.AddRule(Rule);
            kernel.AddRule(Local);
        }
        else if (bypass < 0 || (local >= 0 && local < bypass))
        {
            if (bypass >= 0) kernel.DeleteRule(Rule);
            bool reshuffle = local >= 0; // else local delivery was moved by the administrator: nothing to get ahead of
            if (reshuffle)
            {
                kernel.AddRule(StandIn);
                kernel.DeleteRule(Local);
            }
            kernel.AddRule(Rule);
            if (reshuffle) kernel.AddRule(Local);
        }
        kernel.DeleteRule(StandIn);
    }

    /// <summary>Removes the bypass: the rules are as they were before <see cref="Install"/>.</summary>
    public void Remove()
    {
        var current = kernel.Rules();
        kernel.DeleteRule(Rule);
        if (current.Contains(StandIn) && !current.Exists(r => r.Preference == LocalPreference && r.IsLocalDelivery))
            kernel.AddRule(Local); // a crash in the middle of the reshuffle left only the stand-in
        kernel.DeleteRule(StandIn);
    }
}
