using System.Text.Json;
using ClusterControl;
using Clusterd.Core;

namespace Clusterd.Status;

/// <summary>
/// The status snapshot as JSON, for monitoring tools: the same rows as the text file, with
/// numbers as numbers. Written row by row, like the text, so it streams.
/// </summary>
public static class StatusJsonWriter
{
    public static void WritePools(Utf8JsonWriter json, IEnumerable<PoolRow> rows)
    {
        json.WriteStartArray("nodes");
        foreach (var row in rows)
        {
            json.WriteStartObject();
            json.WriteString("pool", row.Pool);
            json.WriteString("node", row.Node.ToString());
            json.WriteString("state", row.State.Word());
            json.WriteNumber("cost", row.Cost);
            json.WriteNumber("connections", row.Connections);
            json.WriteNumber("load", row.Load);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <param name="packets">The queued packets clusterd has seen, by kind (<see cref="PacketCounters.Snapshot"/>), written as the object <c>packets</c>.</param>
    public static void WriteStatus(Utf8JsonWriter json, IEnumerable<PoolRow> pools, IEnumerable<ConnectionRow> connections,
        IEnumerable<(string Name, long Count)>? packets = null)
    {
        json.WriteStartObject();
        WritePools(json, pools);
        json.WriteStartArray("connections");
        foreach (var row in connections)
        {
            json.WriteStartObject();
            json.WriteString("protocol", row.Protocol switch { 6 => "tcp", 17 => "udp", _ => row.Protocol.ToString() });
            json.WriteString("pool", row.Pool);
            json.WriteString("source", row.Source.ToString());
            json.WriteNumber("sourcePort", row.SourcePort);
            json.WriteString("destination", row.Destination.ToString());
            json.WriteNumber("destinationPort", row.DestinationPort);
            json.WriteString("node", row.Node.ToString());
            json.WriteNumber("expires", Math.Round(row.ExpiresSeconds, 2));
            json.WriteEndObject();
            if (json.BytesPending > 32 * 1024) json.Flush();
        }
        json.WriteEndArray();
        if (packets is not null)
        {
            json.WriteStartObject("packets");
            foreach (var (name, count) in packets) json.WriteNumber(name, count);
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }
}
