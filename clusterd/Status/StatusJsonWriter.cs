using System.Text.Json;
using ClusterControl;
using Clusterd.State;
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
            json.WriteString("state", row.StateWord);
            json.WriteNumber("cost", row.Cost);
            json.WriteNumber("connections", row.Connections);
            json.WriteNumber("load", row.Load);
            if (row.DrainTimeout is { } drainTimeout) json.WriteNumber("drainTimeout", drainTimeout);
            if (row.Check is { } check) WriteHealth(json, check, row.Health);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>A checked node's "health": its check, the last result and when it came, and when its state last changed.</summary>
    private static void WriteHealth(Utf8JsonWriter json, HealthCheck check, NodeHealth? health)
    {
        json.WriteStartObject("health");
        json.WriteString("check", check.Kind.Word());
        if (health is { LastCheck: var at } && at != default)
        {
            json.WriteBoolean("passed", health.LastPassed);
            json.WriteString("result", health.LastResult);
            json.WriteString("checked", at);
        }
        if (health?.Changed is { } changed) json.WriteString("changed", changed);
        else json.WriteNull("changed");
        json.WriteEndObject();
    }

    /// <summary>Each pool's settings; the text table has no column for them, its layout being the 1997 status file's.</summary>
    public static void WritePoolSettings(Utf8JsonWriter json, IEnumerable<PoolConfig> pools)
    {
        json.WriteStartArray("pools");
        foreach (var pool in pools)
        {
            json.WriteStartObject();
            json.WriteString("pool", pool.Name);
            json.WriteString("forward", pool.Forward.Word());
            json.WriteString("scheduler", pool.Scheduler.Word());
            if (pool.Sticky is { } sticky)
            {
                json.WriteStartObject("sticky");
                json.WriteNumber("seconds", sticky.Seconds);
                json.WriteString("mask", sticky.Mask.ToString());
                json.WriteEndObject();
            }
            else json.WriteNull("sticky");
            if (pool.SlowStart is { } slowStart) json.WriteNumber("slowStart", slowStart);
            else json.WriteNull("slowStart");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <param name="packets">The queued packets clusterd has seen, by kind (<see cref="PacketCounters.Snapshot"/>), written as the object <c>packets</c>.</param>
    /// <param name="queues">The kernel's figures of clusterd's queues, written as <c>queues</c> when given.</param>
    /// <param name="settings">The pools' settings, written as <c>pools</c> when given.</param>
    /// <param name="digest">The configuration's digest (<c>ConfigDigest</c>), written as <c>digest</c> when given.</param>
    public static void WriteStatus(Utf8JsonWriter json, IEnumerable<PoolRow> pools, IEnumerable<ConnectionRow> connections,
        IEnumerable<(string Name, long Count)>? packets = null, IEnumerable<QueueFigures>? queues = null,
        IEnumerable<PoolConfig>? settings = null, string? digest = null)
    {
        json.WriteStartObject();
        if (digest is not null) json.WriteString("digest", digest);
        if (settings is not null) WritePoolSettings(json, settings);
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
        if (queues is not null) WriteQueues(json, queues);
        json.WriteEndObject();
    }

    /// <summary>Per queue: packets waiting now, and those the kernel dropped because the queue was full or clusterd's socket was.</summary>
    private static void WriteQueues(Utf8JsonWriter json, IEnumerable<QueueFigures> queues)
    {
        json.WriteStartArray("queues");
        foreach (var queue in queues)
        {
            json.WriteStartObject();
            json.WriteNumber("queue", queue.Queue);
            json.WriteNumber("waiting", queue.Waiting);
            json.WriteNumber("queueFullDropped", queue.QueueFull);
            json.WriteNumber("socketFullDropped", queue.SocketFull);
            json.WriteNumber("packetIds", queue.Issued);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
