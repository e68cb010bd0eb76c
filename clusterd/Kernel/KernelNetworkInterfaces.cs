using System.Net.NetworkInformation;
using System.Net.Sockets;
using ClusterControl;
using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Routing;

namespace Clusterd.Kernel;

/// <summary>
/// The interfaces of clusterd's own network namespace. For ipfwadm -c: the 2.0 kernel refused a
/// check whose -W interface did not exist or whose -V address was not that interface's address.
/// A 2.0 device had one address (0.0.0.0 when it had none); now any of the interface's IPv4
/// addresses will do. For -V rules: the addresses as rtnetlink reports them.
/// </summary>
public sealed class KernelNetworkInterfaces : INetworkInterfaces
{
    public bool Has(string name, Ipv4Address address)
    {
        var named = NetworkInterface.GetAllNetworkInterfaces().Where(candidate => candidate.Name == name).ToList();
        return address.Value == 0
            ? named.Count > 0
            : named.SelectMany(candidate => candidate.GetIPProperties().UnicastAddresses)
                .Any(unicast => unicast.Address.AddressFamily == AddressFamily.InterNetwork
                                && Ipv4Address.ReadNetworkOrder(unicast.Address.GetAddressBytes()) == address);
    }

    public InterfaceAddresses Addresses() =>
        KernelCall.Run("reading interface addresses", () => new InterfaceAddresses(AddressNetlink.Read()));
}
