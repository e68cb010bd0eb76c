using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>Network interfaces in memory, each with the IPv4 addresses it holds.</summary>
public sealed class FakeNetworkInterfaces : INetworkInterfaces
{
    public List<(string Interface, Ipv4Address Address)> Held { get; } = [];

    public bool Has(string name, Ipv4Address address) =>
        address.Value == 0
            ? Held.Any(h => h.Interface == name)
            : Held.Contains((name, address));

    public InterfaceAddresses Addresses() => new(Held);
}
