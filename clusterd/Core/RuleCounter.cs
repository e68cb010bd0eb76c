namespace Clusterd.Core;

/// <summary>Packets and bytes a rule matched, as the kernel counted them.</summary>
public readonly record struct RuleCounter(ulong Packets, ulong Bytes)
{
    public static RuleCounter operator +(RuleCounter a, RuleCounter b) => new(a.Packets + b.Packets, a.Bytes + b.Bytes);
}
