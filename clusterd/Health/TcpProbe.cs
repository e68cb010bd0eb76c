using System.Net.Sockets;
using ClusterControl;
using Clusterd.Kernel;

namespace Clusterd.Health;

/// <summary>
/// tcp: the node's private address accepts a connection on the port. shared: the shared address
/// accepts one when sent through the node as its clustered traffic is — in a route pool the probe
/// carries the node's packet mark, so the same policy route takes it to the node, which answers only
/// if it holds the shared address (the alias route mode needs); a masq pool's traffic is rewritten
/// to the private address, so there the probe goes to that.
/// </summary>
public sealed class TcpProbe : IProbe
{
    public async Task<ProbeResult> RunAsync(ProbeTarget target, CancellationToken timeout)
    {
        var (endPoint, mark) = target.Check.Kind == CheckKind.Shared && target.Forward == ForwardMethod.Route
            ? (target.SharedAddress is { } shared ? target.EndPoint(shared) : null, Marks.ForNode(target.Node.Id))
            : (target.PrivateEndPoint, 0u);
        if (endPoint is null) return ProbeResult.Fail($"no cluster rule gives {target.Pool} a shared address");
        try
        {
            using var socket = await TcpConnect.OpenAsync(endPoint, mark, timeout);
            return ProbeResult.Pass($"connected to {endPoint}");
        }
        catch (SocketException e)
        {
            return ProbeResult.Fail($"{endPoint}: {TcpConnect.Describe(e)}");
        }
    }
}
