using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterControl;
using ClusterControl.Firewall;

namespace Clusterd.State;

/// <summary>
/// The saved configuration: <c>state.json</c> in the state directory, replaced atomically
/// (<see cref="AtomicFile"/>), and after it the rule changes made since (<see cref="StateJournal"/>).
/// A change to the rules alone is appended to the journal; any other change, the first save of a
/// run, and every <see cref="JournalLimit"/>-th rule change write the whole configuration again and
/// start the journal afresh.
/// </summary>
/// <remarks>Not thread-safe: changes are saved one at a time, under the kernel lock.</remarks>
public sealed class StateFile(string directory)
{
    public const string FileName = "state.json";
    public const string JournalFileName = "state.journal";

    /// <summary>How many changes the journal holds at most before the configuration is written whole.</summary>
    public const int JournalLimit = 1000;

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    private readonly StateJournal _journal = new(System.IO.Path.Combine(directory, JournalFileName));

    /// <summary>What the snapshot and the journal hold together; null until saved, or after a failed save.</summary>
    private ClusterConfig? _saved;
    private int _journaled;

    /// <summary>
    /// Reads the saved configuration. A missing file means a first start. A file that cannot be
    /// read as a configuration is renamed aside (never deleted) and reported in
    /// <paramref name="problem"/>; the daemon then starts from the initial configuration. A journal
    /// that cannot be applied is renamed aside too, and the configuration is the snapshot's.
    /// </summary>
    public ClusterConfig Load(out string? problem)
    {
        problem = null;
        if (!File.Exists(Path)) return ClusterConfig.Initial;
        byte[] snapshot = File.ReadAllBytes(Path);
        ClusterConfig config;
        try
        {
            config = JsonSerializer.Deserialize(snapshot, StateJson.Default.ClusterConfig)
                     ?? throw new JsonException("the file holds null");
            StateValidation.Check(config);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            problem = $"state file {Path} is corrupt ({e.Message}); kept as {Aside(Path)}, starting with pool0 only";
            return ClusterConfig.Initial;
        }
        try
        {
            var journaled = config;
            foreach (var entry in _journal.Read(snapshot))
                journaled = journaled with
                {
                    FirewallRules = entry.Rules.ApplyTo(journaled.FirewallRules) ?? throw new InvalidDataException("a change does not fit the rules before it"),
                    NextRuleId = entry.NextRuleId,
                };
            StateValidation.Check(journaled);
            return journaled;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            problem = $"state journal {_journal.Path} is corrupt ({e.Message}); kept as {Aside(_journal.Path)}, starting with {Path} alone";
            return config;
        }
    }

    /// <summary>Moves a corrupt file aside, under a name with the time; what it is called now.</summary>
    private static string Aside(string path)
    {
        string aside = $"{path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
        File.Move(path, aside, overwrite: true);
        return aside;
    }

    /// <summary>Saves <paramref name="config"/>, durably, before returning.</summary>
    public void Save(ClusterConfig config)
    {
        var saved = _saved;
        _saved = null; // until this save is done: after a failure, the next writes everything whole
        if (saved is not null && _journaled < JournalLimit && RulesChangeAlone(saved, config) && _journal.Exists)
        {
            _journal.Append(new JournalEntry(RulesEdit.Between(saved.FirewallRules, config.FirewallRules), config.NextRuleId));
            _journaled++;
        }
        else WriteWhole(config);
        _saved = config;
    }

    /// <summary>
    /// Saves <paramref name="config"/> whole into <c>state.json</c>, leaving the journal empty: at a
    /// clean stop, so that the file an operator may then read or edit holds everything.
    /// </summary>
    public void SaveWhole(ClusterConfig config)
    {
        _saved = null;
        WriteWhole(config);
        _saved = config;
    }

    private void WriteWhole(ClusterConfig config)
    {
        byte[] snapshot = JsonSerializer.SerializeToUtf8Bytes(config, StateJson.Default.ClusterConfig);
        AtomicFile.Write(Path, stream => stream.Write(snapshot));
        _journal.Start(snapshot);
        _journaled = 0;
    }

    /// <summary>Whether <paramref name="after"/> differs from <paramref name="before"/> in its rules and rule ids alone.</summary>
    private static bool RulesChangeAlone(ClusterConfig before, ClusterConfig after) =>
        after with { FirewallRules = before.FirewallRules, NextRuleId = before.NextRuleId } == before;
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = [typeof(Ipv4AddressJsonConverter)])]
[JsonSerializable(typeof(ClusterConfig))]
[JsonSerializable(typeof(ImmutableArray<FirewallRule>))]
[JsonSerializable(typeof(JournalHeader))]
[JsonSerializable(typeof(JournalEntry))]
internal sealed partial class StateJson : JsonSerializerContext;
