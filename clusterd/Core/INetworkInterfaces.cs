using ClusterControl;

namespace Clusterd.Core;

/// <summary>The network interfaces of clusterd's network namespace and the IPv4 addresses they hold now.</summary>
public interface INetworkInterfaces
{
    /// <summary>
    /// Whether interface <paramref name="name"/> exists and holds <paramref name="address"/>; with
    /// 0.0.0.0 ("any", as everywhere in ipfwadm), only whether it exists.
    /// </summary>
    bool Has(string name, Ipv4Address address);

    /// <summary>Which interfaces hold which addresses, as the kernel reports them now.</summary>
    /// <exception cref="KernelRefusedException">The addresses could not be read.</exception>
    InterfaceAddresses Addresses();
}
