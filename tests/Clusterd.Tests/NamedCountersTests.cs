using Clusterd.Core;
using Clusterd.Kernel.Nftables;

namespace Clusterd.Tests;

public class NamedCountersTests
{
    [Fact]
    public void ReadsNftJsonCounters()
    {
        const string json =
            "{\"nftables\": [{\"metainfo\": {\"version\": \"1.0.6\", \"json_schema_version\": 1}}, " +
            "{\"counter\": {\"family\": \"ip\", \"name\": \"r1\", \"table\": \"ip_cluster\", \"handle\": 1, \"packets\": 0, \"bytes\": 0}}, " +
            "{\"counter\": {\"family\": \"ip\", \"name\": \"r2\", \"table\": \"ip_cluster\", \"handle\": 2, \"packets\": 5, \"bytes\": 300}}]}\n";
        var counters = NamedCounters.Parse(json);
        Assert.Equal(new RuleCounter(0, 0), counters["r1"]);
        Assert.Equal(new RuleCounter(5, 300), counters["r2"]);
    }

    [Fact]
    public void ReadsOneDocumentPerResetCommand()
    {
        const string output =
            "{\"nftables\": [{\"counter\": {\"name\": \"r1\", \"packets\": 1, \"bytes\": 2}}]}\n" +
            "{\"nftables\": [{\"counter\": {\"name\": \"r2\", \"packets\": 5, \"bytes\": 300}}]}\n";
        var counters = NamedCounters.Parse(output);
        Assert.Equal(new RuleCounter(1, 2), counters["r1"]);
        Assert.Equal(new RuleCounter(5, 300), counters["r2"]);
    }
}
