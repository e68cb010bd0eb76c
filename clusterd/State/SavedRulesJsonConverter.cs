using System.Buffers;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterControl.Firewall;

namespace Clusterd.State;

/// <summary>
/// The firewall rules in <c>state.json</c>: one line of compact JSON per rule, each serialized once.
/// Rules are immutable and a change keeps every rule it does not touch, so saving a change among
/// 10,000 rules copies 10,000 texts already made instead of serializing 10,000 rules. Read as usual.
/// </summary>
public sealed class SavedRulesJsonConverter : JsonConverter<ImmutableArray<FirewallRule>>
{
    /// <summary>
    /// What goes before each rule's text: a raw value gets no line break or indent from the writer,
    /// and the rules sit at the file's second level (the configuration, its list of rules).
    /// </summary>
    private static readonly byte[] LineStart = "\n    "u8.ToArray();

    private static readonly ConditionalWeakTable<FirewallRule, byte[]> Texts = [];

    public override ImmutableArray<FirewallRule> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null
            ? throw new JsonException("the firewall rules are null")
            : JsonSerializer.Deserialize(ref reader, StateJson.Default.ImmutableArrayFirewallRule);

    public override void Write(Utf8JsonWriter writer, ImmutableArray<FirewallRule> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var rule in value) writer.WriteRawValue(Texts.GetValue(rule, Compact), skipInputValidation: true);
        writer.WriteEndArray();
    }

    /// <summary>The rule on a line of its own, as the state file's options write it but compact: the writer's options decide the layout.</summary>
    private static byte[] Compact(FirewallRule rule)
    {
        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write(LineStart);
        using (var writer = new Utf8JsonWriter(buffer)) JsonSerializer.Serialize(writer, rule, StateJson.Default.FirewallRule);
        return buffer.WrittenSpan.ToArray();
    }
}
