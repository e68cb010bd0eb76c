using ClusterControl;

namespace Clusterd.Core;

/// <summary>Which interfaces hold which IPv4 addresses: what a rule's -V address is rendered against.</summary>
public sealed class InterfaceAddresses(IEnumerable<(string Interface, Ipv4Address Address)> held)
{
    public static InterfaceAddresses None { get; } = new([]);

    private readonly ILookup<Ipv4Address, string> _holders = held.ToLookup(h => h.Address, h => h.Interface);

    /// <summary>The names of the interfaces holding <paramref name="address"/>, in order; none when no interface does.</summary>
    public IReadOnlyList<string> Holding(Ipv4Address address) =>
        _holders[address].Distinct().Order(StringComparer.Ordinal).ToList();
}
