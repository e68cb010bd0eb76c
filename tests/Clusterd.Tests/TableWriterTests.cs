using Clusterd.Core;
using Clusterd.Kernel.Nftables;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>
/// The table writer against the kernel's nftables, in a throwaway network namespace: a change edits
/// only the rules that differ, so the others keep their handles, and the chain always holds exactly
/// the rules last written, in order — after edits, after an operator deleted a rule behind the
/// writer's back, and after a write the kernel refused.
/// </summary>
public sealed class TableWriterTests : IDisposable
{
    private const string Declarations = $"table {ClusterTable.Qualified} {{\n\tchain input {{\n\t\ttype filter hook prerouting priority -150; policy accept;\n\t}}\n}}\n";

    private readonly string _namespace = $"tw-{Environment.ProcessId}-{Random.Shared.Next(100_000)}";

    public TableWriterTests()
    {
        var made = CommandRunner.Run("ip", "netns", "add", _namespace);
        if (made.ExitCode != 0) throw new InvalidOperationException(made.ToString());
    }

    public void Dispose() => CommandRunner.Run("ip", "netns", "del", _namespace);

    [Fact]
    public void AChangeEditsOnlyTheRulesThatDiffer()
    {
        InNamespace(writer =>
        {
            writer.Write(Input(1, 2, 3));
            var first = KernelInput();
            Assert.Equal(Texts(1, 2, 3), first.Select(r => r.Text));

            writer.Write(Input(1, 2, 9, 3));
            var inserted = KernelInput();
            Assert.Equal(Texts(1, 2, 9, 3), inserted.Select(r => r.Text));
            Assert.Equal(first.Select(r => r.Handle), inserted.Where(r => r.Text != Text(9)).Select(r => r.Handle));

            writer.Write(Input(2, 9, 3));
            var deleted = KernelInput();
            Assert.Equal(Texts(2, 9, 3), deleted.Select(r => r.Text));
            Assert.Equal(inserted.Skip(1).Select(r => r.Handle), deleted.Select(r => r.Handle));

            writer.Write(Input(2, 9, 3, 4));
            var appended = KernelInput();
            Assert.Equal(Texts(2, 9, 3, 4), appended.Select(r => r.Text));
            Assert.Equal(deleted.Select(r => r.Handle), appended.Take(3).Select(r => r.Handle));
        });
    }

    [Fact]
    public void ARuleDeletedBehindItsBackIsWrittenWholeAgain()
    {
        InNamespace(writer =>
        {
            writer.Write(Input(1, 2, 3, 4));
            ulong second = KernelInput()[1].Handle;
            Nft("delete", "rule", "ip", ClusterTable.Name, "input", "handle", $"{second}");

            writer.Write(Input(1, 3, 4, 5)); // the edit deletes 2 by its handle, which is gone: refused, then written whole
            Assert.Equal(Texts(1, 3, 4, 5), KernelInput().Select(r => r.Text));
            writer.Write(Input(1, 3, 5));
            Assert.Equal(Texts(1, 3, 5), KernelInput().Select(r => r.Text));
        });
    }

    [Fact]
    public void ARefusedWriteLeavesTheChainAndTheNextWriteEditsIt()
    {
        InNamespace(writer =>
        {
            writer.Write(Input(1, 2));
            var refused = Input(1, 2);
            refused.Rule("input", "ip saddr no-such-address accept");
            Assert.Throws<KernelRefusedException>(() => writer.Write(refused));
            var kept = KernelInput();
            Assert.Equal(Texts(1, 2), kept.Select(r => r.Text));

            writer.Write(Input(1, 2, 3));
            var after = KernelInput();
            Assert.Equal(Texts(1, 2, 3), after.Select(r => r.Text));
            Assert.Equal(kept.Select(r => r.Handle), after.Take(2).Select(r => r.Handle));
        });
    }

    [Fact]
    public void CountersComeWithTheirRulesAndGoAfterThem()
    {
        InNamespace(writer =>
        {
            var counted = Input(1);
            counted.Counter("r7");
            counted.Rule("input", "counter name r7 accept");
            writer.Write(counted);
            Assert.Contains("counter r7", Nft("list", "counters"));

            writer.Write(Input(1));
            Assert.DoesNotContain("counter r7", Nft("list", "counters"));
            Assert.Equal(Texts(1), KernelInput().Select(r => r.Text));
        });
    }

    private static TableContents Input(params int[] sources)
    {
        var table = new TableContents();
        table.Declare(Declarations);
        table.Fill("input");
        foreach (int source in sources) table.Rule("input", Text(source));
        return table;
    }

    private static string Text(int source) => $"ip saddr 10.0.0.{source} accept";

    private static IEnumerable<string> Texts(params int[] sources) => sources.Select(Text);

    /// <summary>The writer's whole life runs on a thread inside the namespace, where its nft context opens its socket.</summary>
    private void InNamespace(Action<TableWriter> test) =>
        NetworkNamespace.Run(_namespace, () =>
        {
            using var nft = new NftablesLibrary();
            test(new TableWriter(nft));
            return 0;
        });

    /// <summary>The input chain's rules as the kernel holds them, each with its handle.</summary>
    private List<(string Text, ulong Handle)> KernelInput()
    {
        const string Marker = " # handle ";
        return Nft("-a", "list", "chain", "ip", ClusterTable.Name, "input").Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("ip saddr", StringComparison.Ordinal) || line.StartsWith("counter", StringComparison.Ordinal))
            .Select(line => (line[..line.LastIndexOf(Marker, StringComparison.Ordinal)], ulong.Parse(line[(line.LastIndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..])))
            .ToList();
    }

    private string Nft(params string[] args)
    {
        var result = CommandRunner.Run("ip", ["netns", "exec", _namespace, "nft", .. args]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }
}
