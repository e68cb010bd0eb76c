using System.Globalization;
using System.Text;
using ClusterControl;

namespace Clconfig;

/// <summary>
/// The lines of one frame of <c>clconfig -watch</c>: a summary line, a header, and a row per node
/// with its active connections as a bar (full for the busiest node shown), the number, and new
/// connections per second. 73 columns, so it fits an 80-column terminal.
/// </summary>
public static class WatchScreen
{
    public const int BarWidth = 24;
    public const string Header = "Pool   Node            State    Active connections         Conns   Conn/s";

    public static List<string> Lines(RateReport report, DateTime now)
    {
        var nodes = report.Nodes;
        int busiest = nodes.IsEmpty ? 0 : nodes.Max(n => n.Connections);
        var lines = new List<string>(nodes.Length + 3)
        {
            Invariant($"ip_cluster {now:HH:mm:ss}  {nodes.Length} nodes  {nodes.Sum(n => n.Connections)} connections  {nodes.Sum(n => n.PerSecond):F1} conn/s"),
            Header,
        };
        foreach (var node in nodes)
            lines.Add(Invariant($"{node.Pool,-6} {node.Node,-15} {node.State,-8} {Bar(node.Connections, busiest)} {node.Connections,7} {node.PerSecond,8:F1}"));
        if (nodes.IsEmpty) lines.Add("(no nodes: clconfig -add POOL ADDR)");
        return lines;
    }

    /// <summary><paramref name="value"/> of <paramref name="full"/> as '#'s on a bar of dots; any connection shows at least one '#'.</summary>
    public static string Bar(int value, int full)
    {
        int filled = full <= 0 || value <= 0 ? 0 : Math.Clamp((int)Math.Round((double)BarWidth * value / full), 1, BarWidth);
        return new StringBuilder(BarWidth).Append('#', filled).Append('.', BarWidth - filled).ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
