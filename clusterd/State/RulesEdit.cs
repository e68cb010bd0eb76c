using System.Collections.Immutable;
using ClusterControl.Firewall;

namespace Clusterd.State;

/// <summary>
/// How one rule list became another: the first <see cref="Kept"/> rules stay, the
/// <see cref="Removed"/> after them go, <see cref="Added"/> take their place. Rules are immutable
/// and a change keeps the instances it does not touch, so the rules on either side of the edit
/// are found by identity.
/// </summary>
public sealed record RulesEdit(int Kept, int Removed, ImmutableArray<FirewallRule> Added)
{
    public static RulesEdit Between(ImmutableArray<FirewallRule> before, ImmutableArray<FirewallRule> after)
    {
        int kept = 0, shorter = Math.Min(before.Length, after.Length);
        while (kept < shorter && ReferenceEquals(before[kept], after[kept])) kept++;
        int keptAfter = 0;
        while (keptAfter < shorter - kept && ReferenceEquals(before[^(keptAfter + 1)], after[^(keptAfter + 1)])) keptAfter++;
        return new RulesEdit(kept, before.Length - kept - keptAfter, after.Slice(kept, after.Length - kept - keptAfter));
    }

    /// <summary><paramref name="rules"/> edited; null when the edit does not fit them.</summary>
    public ImmutableArray<FirewallRule>? ApplyTo(ImmutableArray<FirewallRule> rules) =>
        Kept < 0 || Removed < 0 || Kept + Removed > rules.Length ? null : rules.RemoveRange(Kept, Removed).InsertRange(Kept, Added);
}
