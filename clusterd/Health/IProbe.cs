using System.Net;
using ClusterControl;
using Clusterd.State;

namespace Clusterd.Health;

/// <summary>One kind of active health check: probes one node once. Throws nothing for a node that fails; the timeout comes as cancellation.</summary>
public interface IProbe
{
    Task<ProbeResult> RunAsync(ProbeTarget target, CancellationToken timeout);
}

/// <summary>
/// A node to probe: the node, its pool's name and forwarding method, the check, and for a shared
/// check the shared address its traffic is sent to (null when no cluster rule gives one).
/// </summary>
public sealed record ProbeTarget(NodeConfig Node, string Pool, ForwardMethod Forward, HealthCheck Check, Ipv4Address? SharedAddress)
{
    public IPEndPoint PrivateEndPoint => EndPoint(Node.Address);

    private static IPEndPoint EndPoint(Ipv4Address address, int port)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.WriteNetworkOrder(bytes);
        return new IPEndPoint(new IPAddress(bytes), port);
    }

    public IPEndPoint EndPoint(Ipv4Address address) => EndPoint(address, Check.Port);
}

/// <summary>What one probe saw: passed or not, and in a few words what (for the log and the listing).</summary>
public readonly record struct ProbeResult(bool Passed, string Detail)
{
    public static ProbeResult Pass(string detail) => new(true, detail);

    public static ProbeResult Fail(string detail) => new(false, detail);
}
