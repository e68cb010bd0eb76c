using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Clusterd.State;

/// <summary>
/// <c>state.journal</c>: the rule changes made since <c>state.json</c> was last written whole, a
/// line of JSON each, appended and synced, so that a rule added among 10,000 writes one rule to disk
/// instead of 10,000. Its first line names the snapshot it follows by the SHA-256 of its bytes: a
/// journal left from before the latest snapshot (a crash between writing the one and starting the
/// other), or one beside a <c>state.json</c> edited by hand, names another and is not applied.
/// </summary>
/// <remarks>
/// A change counts as done once its line is synced. A last line without its line break is a change
/// whose write a crash cut short, and was never answered: it is left out.
/// </remarks>
public sealed class StateJournal(string path)
{
    public string Path { get; } = path;

    /// <summary>Starts the journal after a snapshot of <paramref name="snapshot"/>'s bytes, empty.</summary>
    public void Start(ReadOnlySpan<byte> snapshot)
    {
        byte[] header = Line(new JournalHeader(Convert.ToHexStringLower(SHA256.HashData(snapshot))), StateJson.Default.JournalHeader);
        AtomicFile.Write(Path, stream => stream.Write(header));
    }

    public bool Exists => File.Exists(Path);

    /// <summary>Appends <paramref name="entry"/> and syncs it; a failed write is cut off again, so it never stands.</summary>
    /// <exception cref="IOException">Also when the journal is gone: a journal without its first line would name no snapshot.</exception>
    public void Append(JournalEntry entry)
    {
        byte[] line = Line(entry, StateJson.Default.JournalEntry);
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Write, FileShare.None);
        long length = stream.Seek(0, SeekOrigin.End);
        try
        {
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            stream.SetLength(length);
            throw;
        }
    }

    /// <summary>
    /// The changes journaled after the snapshot whose bytes are <paramref name="snapshot"/>, in order;
    /// none when there is no journal or it follows another snapshot.
    /// </summary>
    /// <exception cref="JsonException">A complete line is not a change.</exception>
    public List<JournalEntry> Read(ReadOnlySpan<byte> snapshot)
    {
        if (!File.Exists(Path)) return [];
        ReadOnlySpan<byte> journal = File.ReadAllBytes(Path);
        int end = journal.IndexOf((byte)'\n');
        if (end < 0) return [];
        var header = JsonSerializer.Deserialize(journal[..end], StateJson.Default.JournalHeader);
        if (header?.Snapshot != Convert.ToHexStringLower(SHA256.HashData(snapshot))) return [];
        var entries = new List<JournalEntry>();
        for (journal = journal[(end + 1)..]; (end = journal.IndexOf((byte)'\n')) >= 0; journal = journal[(end + 1)..])
            entries.Add(JsonSerializer.Deserialize(journal[..end], StateJson.Default.JournalEntry) ?? throw new JsonException("a change is null"));
        return entries;
    }

    private static byte[] Line<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer)) JsonSerializer.Serialize(writer, value, type);
        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>The journal's first line: the SHA-256 of the <c>state.json</c> it follows, lowercase hex.</summary>
public sealed record JournalHeader(string Snapshot);

/// <summary>One change to the rules, with the rule id the configuration gives next after it.</summary>
public sealed record JournalEntry(RulesEdit Rules, int NextRuleId);
