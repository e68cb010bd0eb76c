using Clusterd.Core;
using Clusterd.Kernel.Nftables;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>
/// The table writer against the kernel's nftables, in a throwaway network namespace: a chain in
/// blocks always holds exactly the rules last written, in order; a change refills only the blocks it
/// falls in, so the other rules stay as they were; counted rules keep their counts through every
/// refill, a whole write by a new writer included; and a write the kernel refuses changes nothing.
/// </summary>
public sealed class TableWriterTests : IDisposable
{
    private const string Declarations = $"table {ClusterTable.Qualified} {{\n\tchain input {{\n\t\ttype filter hook prerouting priority -150; policy accept;\n\t}}\n}}\n";

    private readonly ThrowawayNamespace _namespace = new("tw");

    public TableWriterTests() => _namespace.Prepare(() => Nft("add", "table", "ip", ClusterTable.Name));

    public void Dispose() => _namespace.Dispose();

    [Fact]
    public void AChainInBlocksHoldsTheRulesInOrder()
    {
        InNamespace(writer =>
        {
            writer.Write(Input(Enumerable.Range(1, 200)));
            var blocks = KernelBlocks();
            Assert.Equal(4, blocks.Count);
            Assert.All(blocks, block => Assert.InRange(block.Rules.Count, BlockLayout.MinRules, BlockLayout.MaxRules));
            Assert.Equal(Texts(Enumerable.Range(1, 200)), blocks.SelectMany(block => block.Rules).Select(rule => rule.Text));
        });
    }

    [Fact]
    public void AChangeRefillsOnlyTheBlocksItFallsIn()
    {
        InNamespace(writer =>
        {
            var sources = Enumerable.Range(1, 200).ToList();
            writer.Write(Input(sources));
            var before = KernelBlocks();

            sources.Insert(120, 999);
            writer.Write(Input(sources));
            var after = KernelBlocks();
            Assert.Equal(Texts(sources), after.SelectMany(block => block.Rules).Select(rule => rule.Text));
            Assert.Equal(before.Select(block => block.Name), after.Select(block => block.Name));
            for (int i = 0; i < before.Count; i++)
                if (i != 2) Assert.Equal(before[i].Rules, after[i].Rules);

            sources.RemoveRange(0, 40); // the first block would keep 10: it and the second are refilled
            writer.Write(Input(sources));
            var fewer = KernelBlocks();
            Assert.Equal(Texts(sources), fewer.SelectMany(block => block.Rules).Select(rule => rule.Text));
            Assert.Equal(after[2..], fewer[^2..]);
        });
    }

    [Fact]
    public void CountsSurviveRefillsAndANewWriter()
    {
        Nft("add", "chain", "ip", ClusterTable.Name, "input", "{ type filter hook prerouting priority -150; policy accept; }");
        Nft("add", "rule", "ip", ClusterTable.Name, "input", "ip saddr 127.0.0.1 counter packets 5 bytes 500 accept comment \"r7\"");
        TableContents Counted(int others)
        {
            var table = Input(Enumerable.Range(1, others));
            table.Rule("input", CountedRule.Text("ip saddr 127.0.0.1", " accept", "r7"));
            return table;
        }
        InNamespace(writer =>
        {
            writer.Write(Counted(3)); // the table's first write takes the counts of the rule it found
            Assert.Equal(new RuleCounter(5, 500), writer.Counters(Names("r7"), zero: false)["r7"]);
            writer.Write(Counted(4));
            Assert.Equal(new RuleCounter(5, 500), writer.Counters(Names("r7"), zero: false)["r7"]);
        });
        InNamespace(writer =>
        {
            writer.Write(Counted(100));
            Assert.Equal(new RuleCounter(5, 500), writer.Counters(Names("r7"), zero: true)["r7"]);
            Assert.Equal(new RuleCounter(0, 0), writer.Counters(Names("r7"), zero: false)["r7"]);
            Assert.Equal(Texts(Enumerable.Range(1, 100)).Append("ip saddr 127.0.0.1 counter packets 0 bytes 0 accept comment \"r7\""),
                KernelBlocks().SelectMany(block => block.Rules).Select(rule => rule.Text));
        });
    }

    [Fact]
    public void ANewWriterDeletesTheBlocksItDoesNotUse()
    {
        InNamespace(writer => writer.Write(Input(Enumerable.Range(1, 200))));
        InNamespace(writer => writer.Write(Input(Enumerable.Range(1, 10))));
        Assert.Equal(["input", "input.0"], Chains());
        Assert.Equal(Texts(Enumerable.Range(1, 10)), KernelBlocks().Single().Rules.Select(rule => rule.Text));
    }

    [Fact]
    public void ANewWriterWritesTheTableItsPredecessorLeft()
    {
        InNamespace(writer => writer.Write(Input(Enumerable.Range(1, 200))));
        string left = Nft("list", "table", "ip", ClusterTable.Name);
        InNamespace(writer => writer.Write(Input(Enumerable.Range(1, 200))));
        Assert.Equal(left, Nft("list", "table", "ip", ClusterTable.Name));
    }

    [Fact]
    public void ABlockDeletedBehindItsBackIsWrittenWholeAgain()
    {
        InNamespace(writer =>
        {
            writer.Write(Input(Enumerable.Range(1, 100)));
            Nft("flush", "chain", "ip", ClusterTable.Name, "input");
            Nft("flush", "chain", "ip", ClusterTable.Name, "input.1");
            Nft("delete", "chain", "ip", ClusterTable.Name, "input.1");

            writer.Write(Input(Enumerable.Range(1, 101))); // the edit refills input.1, which is gone: refused, then written whole
            Assert.Equal(Texts(Enumerable.Range(1, 101)), KernelBlocks().SelectMany(block => block.Rules).Select(rule => rule.Text));
        });
    }

    [Fact]
    public void ARefusedWriteLeavesTheChainAndTheNextWriteEditsIt()
    {
        InNamespace(writer =>
        {
            writer.Write(Input([1, 2]));
            var refused = Input([1, 2]);
            refused.Rule("input", "ip saddr no-such-address accept");
            Assert.Throws<KernelRefusedException>(() => writer.Write(refused));
            Assert.Equal(Texts([1, 2]), KernelBlocks().Single().Rules.Select(rule => rule.Text));

            writer.Write(Input([1, 2, 3]));
            Assert.Equal(Texts([1, 2, 3]), KernelBlocks().Single().Rules.Select(rule => rule.Text));
        });
    }

    private static HashSet<string> Names(params string[] names) => [.. names];

    private static TableContents Input(IEnumerable<int> sources)
    {
        var table = new TableContents();
        table.Declare(Declarations);
        table.Fill("input", inBlocks: true);
        foreach (int source in sources) table.Rule("input", Text(source));
        return table;
    }

    private static string Text(int source) => $"ip saddr 10.0.{source / 250}.{source % 250} accept";

    private static IEnumerable<string> Texts(IEnumerable<int> sources) => sources.Select(Text);

    /// <summary>The writer's whole life runs on a thread inside the namespace, where its nft context opens its socket.</summary>
    private void InNamespace(Action<TableWriter> test) =>
        NetworkNamespace.Run(_namespace.Name, () =>
        {
            using var nft = new NftablesLibrary();
            test(new TableWriter(nft));
            return 0;
        });

    private sealed record KernelRule(string Text, ulong Handle);

    private sealed record KernelBlock(string Name, List<KernelRule> Rules)
    {
        public bool Equals(KernelBlock? other) => other is not null && Name == other.Name && Rules.SequenceEqual(other.Rules);
        public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>The blocks the input chain jumps to, in order, each with its rules as the kernel holds them.</summary>
    private List<KernelBlock> KernelBlocks() =>
        [.. RulesOf("input").Select(jump => jump.Text["jump ".Length..]).Select(name => new KernelBlock(name, RulesOf(name)))];

    private List<KernelRule> RulesOf(string chain)
    {
        const string Marker = " # handle ";
        return [.. Nft("-a", "list", "chain", "ip", ClusterTable.Name, chain).Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Contains(Marker, StringComparison.Ordinal) && !line.StartsWith("chain ", StringComparison.Ordinal) && !line.StartsWith("type ", StringComparison.Ordinal))
            .Select(line => new KernelRule(line[..line.LastIndexOf(Marker, StringComparison.Ordinal)], ulong.Parse(line[(line.LastIndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..])))];
    }

    private List<string> Chains() =>
        [.. Nft("list", "table", "ip", ClusterTable.Name).Split('\n').Select(line => line.Trim())
            .Where(line => line.StartsWith("chain ", StringComparison.Ordinal)).Select(line => line.Split(' ')[1])];

    private string Nft(params string[] args)
    {
        var result = CommandRunner.Run("ip", ["netns", "exec", _namespace.Name, "nft", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }
}
