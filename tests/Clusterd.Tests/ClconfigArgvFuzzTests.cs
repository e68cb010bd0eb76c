using Clconfig;
using TestSupport;
using Xunit.Abstractions;

namespace Clusterd.Tests;

/// <summary>
/// Hostile command lines: random and grammar-mutated argument vectors through clconfig's parser,
/// in-process. Each ends in a request (or help) or in a usage error printed as one line, exit status 2,
/// never another exception (a stack trace).
/// </summary>
public sealed class ClconfigArgvFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Grammar =
    [
        "-add", "-set", "-del", "-list", "-status", "-save", "-create", "-forward", "-destroy", "-debug", "-h", "--help", "--version",
        "--json", "pool0", "pool1", "pool99", "pool", "route", "masq", "up", "down", "cost", "state", "value", "10.0.0.1", "1.2.3.4",
        "0", "1", "9", "10", "-1",
    ];

    [Fact]
    public void HundredThousandCommandLinesEndInARequestOrOneUsageLine() => Fuzz(100_000);

    [Fact]
    [Trait("Category", "Stress")]
    public void AMillionCommandLinesEndInARequestOrOneUsageLine() => Fuzz(1_000_000);

    private void Fuzz(int vectors)
    {
        var tally = new ArgvFuzzer(1997, Grammar).Run(vectors, Outcome);
        output.WriteLine(tally.ToString());
        Assert.True(tally["request"] > 0 && tally["usage error"] > 0, "the fuzzer never got past, or never failed, the parser");
    }

    private static string Outcome(string[] args)
    {
        try
        {
            Assert.NotNull(CommandLine.Parse(args));
            return "request";
        }
        catch (UsageException e)
        {
            string printed = ClusterControl.TerminalText.EscapeLine(e.Message); // as clconfig prints it
            Assert.False(string.IsNullOrWhiteSpace(printed));
            Assert.DoesNotContain(printed, char.IsControl);
            return "usage error";
        }
    }
}
