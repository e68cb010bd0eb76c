using ClusterControl;

namespace Clusterd.Status;

/// <summary>
/// Writes the status file (ip_cluster(5)) line by line into a <see cref="TextWriter"/>, so a table of
/// a million connections streams out through a small buffer instead of being built as one string.
/// </summary>
public static class StatusWriter
{
    public const string PoolHeader = "Pool   Node            State  Cost  Conns       Load";
    public const string ConnectionHeader = "Prot Pool   Source                Destination           Node            Expires";

    /// <summary>The longest line a row can make (widest values, columns pushed right).</summary>
    private const int MaxLine = 160;

    /// <summary>The pool table alone: what <c>clconfig -list</c> prints.</summary>
    public static void WritePools(TextWriter writer, IEnumerable<PoolRow> rows)
    {
        writer.Write(PoolHeader);
        writer.Write('\n');
        Span<char> line = stackalloc char[MaxLine];
        foreach (var row in rows)
        {
            line.TryWrite(
                $"{row.Pool,-6} {row.Node,-15} {row.StateWord,-5} {row.Cost,5} {row.Connections,6} {row.Load,10}\n",
                out int length);
            writer.Write(line[..length]);
        }
    }

    /// <summary>The whole file: pool table, a blank line, connection table.</summary>
    public static void WriteStatus(TextWriter writer, IEnumerable<PoolRow> pools, IEnumerable<ConnectionRow> connections)
    {
        WritePools(writer, pools);
        writer.Write('\n');
        writer.Write(ConnectionHeader);
        writer.Write('\n');
        Span<char> line = stackalloc char[MaxLine];
        Span<char> source = stackalloc char[21];
        Span<char> destination = stackalloc char[21];
        foreach (var row in connections)
        {
            var src = Endpoint(source, row.Source, row.SourcePort);
            var dst = Endpoint(destination, row.Destination, row.DestinationPort);
            // Expires as whole hundredths, printed as two integers: a double's F2 formatting was
            // half the cost of a row, and a million rows pay it a million times.
            long hundredths = (long)Math.Round(row.ExpiresSeconds * 100, MidpointRounding.AwayFromZero);
            line.TryWrite(
                $"{ProtocolWord(row.Protocol),-4} {row.Pool,-6} {src,-21} {dst,-21} {row.Node,-15} {hundredths / 100,4}.{hundredths % 100:D2}\n",
                out int length);
            writer.Write(line[..length]);
        }
    }

    private static ReadOnlySpan<char> Endpoint(Span<char> buffer, Ipv4Address address, ushort port)
    {
        buffer.TryWrite($"{address}:{port}", out int length);
        return buffer[..length];
    }

    private static string ProtocolWord(byte protocol) => protocol switch
    {
        6 => "TCP",
        17 => "UDP",
        _ => protocol.ToString(),
    };
}
