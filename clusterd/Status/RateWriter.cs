using System.Collections.Immutable;
using System.Globalization;
using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Status;

/// <summary>What <c>clconfig -rate</c> prints: per node, new connections per second (as <c>ipvsadm --rate</c>'s CPS), held connections, and the total.</summary>
public static class RateWriter
{
    public const string Header = "Pool   Node            State       CPS  Conns      Total";

    public static void Write(TextWriter writer, IEnumerable<NodeActivity> nodes)
    {
        writer.Write(Header);
        writer.Write('\n');
        foreach (var node in nodes)
            writer.Write(string.Create(CultureInfo.InvariantCulture,
                $"{node.Pool,-6} {node.Node.Address,-15} {node.StateWord,-6} {node.PerSecond,8:F1} {node.Active,6} {node.NewConnections,10}\n"));
    }

    /// <summary>The same figures for programs (and <c>clconfig -watch</c>).</summary>
    public static RateReport Report(IEnumerable<NodeActivity> nodes) =>
        new([.. nodes.Select(n => new NodeRate(n.Pool, n.Node.Address, n.StateWord, n.Node.Cost, n.Active, n.NewConnections, Math.Round(n.PerSecond, 2)))]);
}
