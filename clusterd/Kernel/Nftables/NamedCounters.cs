using System.Text.Json;

namespace Clusterd.Kernel.Nftables;

/// <summary>Packets and bytes a rule matched, as its named nftables counter holds them.</summary>
public readonly record struct RuleCounter(ulong Packets, ulong Bytes);

/// <summary>Reads nft's JSON listing of named counters (<c>list counters</c> / <c>reset counters</c>).</summary>
public static class NamedCounters
{
    public static Dictionary<string, RuleCounter> Parse(string json)
    {
        var counters = new Dictionary<string, RuleCounter>();
        using var document = JsonDocument.Parse(json);
        foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (!item.TryGetProperty("counter", out var counter)) continue;
            counters[counter.GetProperty("name").GetString()!] =
                new RuleCounter(counter.GetProperty("packets").GetUInt64(), counter.GetProperty("bytes").GetUInt64());
        }
        return counters;
    }
}
