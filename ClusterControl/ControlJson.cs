using System.Text.Json;
using System.Text.Json.Serialization;
using ClusterControl.Firewall;

namespace ClusterControl;

/// <summary>The JSON shape of the protocol, generated at compile time (no reflection, so NativeAOT clients work).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    Converters = [typeof(Ipv4AddressJsonConverter)])]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlAnswer))]
[JsonSerializable(typeof(FirewallRequest))]
[JsonSerializable(typeof(FirewallAnswer))]
[JsonSerializable(typeof(RateReport))]
public sealed partial class ControlJson : JsonSerializerContext;

/// <summary>Addresses travel as dotted quads, so a captured exchange reads like the command that made it.</summary>
public sealed class Ipv4AddressJsonConverter : JsonConverter<Ipv4Address>
{
    public override Ipv4Address Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Ipv4Address.TryParse(reader.GetString(), out var address) ? address : throw new JsonException("bad address");

    public override void Write(Utf8JsonWriter writer, Ipv4Address value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
