using System.Net.NetworkInformation;
using System.Net.Sockets;
using ClusterControl;

namespace Clusterd.Firewall;

/// <summary>
/// The network interfaces of clusterd's own network namespace, for ipfwadm -c: the 2.0 kernel
/// refused a check whose -W interface did not exist or whose -V address was not that
/// interface's address. A 2.0 device had one address (0.0.0.0 when it had none); now any of the
/// interface's IPv4 addresses will do, and 0.0.0.0 — "any" everywhere else in ipfwadm — only
/// asks that the interface exist.
/// </summary>
public static class LocalInterfaces
{
    public static bool Has(string name, Ipv4Address address)
    {
        var named = NetworkInterface.GetAllNetworkInterfaces().Where(candidate => candidate.Name == name).ToList();
        return address.Value == 0
            ? named.Count > 0
            : named.SelectMany(candidate => candidate.GetIPProperties().UnicastAddresses)
                .Any(unicast => unicast.Address.AddressFamily == AddressFamily.InterNetwork
                                && Ipv4Address.ReadNetworkOrder(unicast.Address.GetAddressBytes()) == address);
    }
}
