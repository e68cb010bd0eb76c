using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterControl;
using ClusterControl.Firewall;

namespace Clusterd.State;

/// <summary>
/// The saved configuration, <c>state.json</c> in the state directory, replaced atomically
/// (<see cref="AtomicFile"/>) at every change.
/// </summary>
public sealed class StateFile(string directory)
{
    public const string FileName = "state.json";

    public string Path { get; } = System.IO.Path.Combine(directory, FileName);

    /// <summary>
    /// Reads the saved configuration. A missing file means a first start. A file that cannot be
    /// read as a configuration is renamed aside (never deleted) and reported in
    /// <paramref name="problem"/>; the daemon then starts from the initial configuration.
    /// </summary>
    public ClusterConfig Load(out string? problem)
    {
        problem = null;
        if (!File.Exists(Path)) return ClusterConfig.Initial;
        try
        {
            using var stream = File.OpenRead(Path);
            var config = JsonSerializer.Deserialize(stream, StateJson.Default.ClusterConfig)
                         ?? throw new JsonException("the file holds null");
            StateValidation.Check(config);
            return config;
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            string aside = $"{Path}.corrupt-{DateTime.UtcNow:yyyyMMddTHHmmssZ}";
            File.Move(Path, aside, overwrite: true);
            problem = $"state file {Path} is corrupt ({e.Message}); kept as {aside}, starting with pool0 only";
            return ClusterConfig.Initial;
        }
    }

    public void Save(ClusterConfig config) =>
        AtomicFile.Write(Path, stream => JsonSerializer.Serialize(stream, config, StateJson.Default.ClusterConfig));
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    RespectNullableAnnotations = true,
    Converters = [typeof(Ipv4AddressJsonConverter)])]
[JsonSerializable(typeof(ClusterConfig))]
[JsonSerializable(typeof(ImmutableList<FirewallRule>))]
internal sealed partial class StateJson : JsonSerializerContext;
