using System.Text.Json;
using Clusterd.Core;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// Reads nft's JSON output of named counters (<c>list counters</c>, <c>reset counter</c>): one JSON
/// document per command, one per line.
/// </summary>
public static class NamedCounters
{
    public static Dictionary<string, RuleCounter> Parse(string output)
    {
        var counters = new Dictionary<string, RuleCounter>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var document = JsonDocument.Parse(line);
            foreach (var item in document.RootElement.GetProperty("nftables").EnumerateArray())
            {
                if (!item.TryGetProperty("counter", out var counter)) continue;
                counters[counter.GetProperty("name").GetString()!] =
                    new RuleCounter(counter.GetProperty("packets").GetUInt64(), counter.GetProperty("bytes").GetUInt64());
            }
        }
        return counters;
    }
}
