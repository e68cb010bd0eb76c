using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>Network interfaces in memory: each a name with the IPv4 addresses it holds (maybe none).</summary>
public sealed class FakeNetworkInterfaces : INetworkInterfaces
{
    public List<(string Interface, Ipv4Address Address)> Held { get; } = [];

    /// <summary>Interfaces that exist without an address.</summary>
    public List<string> Bare { get; } = [];

    public bool Has(string name, Ipv4Address address) =>
        address.Value == 0
            ? Bare.Contains(name) || Held.Any(h => h.Interface == name)
            : Held.Contains((name, address));

    public InterfaceAddresses Addresses() => new(Held);
}
