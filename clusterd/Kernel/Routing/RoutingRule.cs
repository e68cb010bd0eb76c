namespace Clusterd.Kernel.Routing;

/// <summary>
/// One IPv4 policy routing rule as clusterd writes and reads it (struct fib_rule_hdr and its FRA_*
/// attributes, linux/fib_rules.h): at <see cref="Preference"/>, packets whose mark matches
/// <see cref="Mark"/> under <see cref="MarkMask"/> (any packet when the mask is 0) either look up
/// <see cref="Table"/> or, for a goto rule, continue at the rules of preference <see cref="GotoPreference"/>;
/// a <see cref="Nop"/> rule does nothing, and is there to be jumped to.
/// </summary>
/// <param name="OtherSelectors">The rule also selects on something clusterd does not write (source, destination,
/// TOS, interface…); such a rule is never one of clusterd's and never the plain <c>lookup local</c> rule.</param>
public readonly record struct RoutingRule(
    uint Preference, uint Table = 0, uint Mark = 0, uint MarkMask = 0, uint? GotoPreference = null, bool OtherSelectors = false, bool Nop = false)
{
    /// <summary>RT_TABLE_LOCAL: the table of the host's own addresses.</summary>
    public const uint LocalTable = 255;

    /// <summary>"pref P fwmark M/MASK lookup T".</summary>
    public static RoutingRule Lookup(uint preference, uint table, uint mark = 0, uint markMask = 0) =>
        new(preference, table, mark, markMask);

    /// <summary>"pref P fwmark M/MASK goto TARGET".</summary>
    public static RoutingRule Goto(uint preference, uint target, uint mark, uint markMask) =>
        new(preference, Mark: mark, MarkMask: markMask, GotoPreference: target);

    /// <summary>"pref P nop": a place for goto rules to land.</summary>
    public static RoutingRule NoOperation(uint preference) => new(preference, Nop: true);

    /// <summary>The kernel's own "pref P lookup local", which delivers packets for the host's addresses.</summary>
    public bool IsLocalDelivery => GotoPreference is null && !Nop && Table == LocalTable && MarkMask == 0 && !OtherSelectors;

    public override string ToString() =>
        $"{Preference}: fwmark 0x{Mark:x}/0x{MarkMask:x} " + (Nop ? "nop" : GotoPreference is { } target ? $"goto {target}" : $"lookup {Table}");
}
