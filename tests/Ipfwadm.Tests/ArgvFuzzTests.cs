using ClusterControl.Firewall;
using Ipfwadm;
using TestSupport;
using Xunit.Abstractions;

namespace Ipfwadm.Tests;

/// <summary>
/// Hostile command lines: random and grammar-mutated argument vectors through the whole of
/// ipfwadm's parsing (options, checks, the request), in-process. Each ends in a request or in
/// one of the documented exits with its message, never another exception (a stack trace).
/// </summary>
public sealed class ArgvFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Grammar =
    [
        "-A", "-I", "-O", "-F", "-M", "-a", "-i", "-d", "-l", "-z", "-f", "-p", "-c", "-h", "-s", "-P", "-S", "-D", "-V", "-W",
        "-b", "-e", "-k", "-m", "-n", "-o", "-r", "-t", "-v", "-x", "-y", "-lnx", "-lz", "-Ptcp", "-Fa", "-Ia", "--", "-",
        "in", "out", "both", "accept", "deny", "reject", "masquerade", "cluster", "m", "tcp", "udp", "icmp", "all",
        "1.2.3.4", "10.0.0.0/8", "0/0", "1.2.3.4/255.255.255.0", "80", "1024:65535", "ftp-data", "www", "pool0", "eth0", "lo",
        "0x01", "0x10", "0xff", "tcp 80", "echo-request",
    ];

    private static readonly string[][] Starts =
    [
        ["-I", "-a", "accept"], ["-F", "-i", "deny"], ["-O", "-d", "reject"], ["-A", "-a", "in"], ["-I", "-c"], ["-I", "-l"],
        ["-M", "-l"], ["-M", "-s"], ["-I", "-a", "cluster"], ["-F", "-a", "m"], ["-A", "-z"], ["-I", "-p", "deny"],
    ];

    [Fact]
    public void HundredThousandCommandLinesEndInARequestOrADocumentedExit() => Fuzz(100_000);

    [Fact]
    [Trait("Category", "Stress")]
    public void AMillionCommandLinesEndInARequestOrADocumentedExit() => Fuzz(1_000_000);

    private void Fuzz(int vectors)
    {
        var fuzzer = new ArgvFuzzer(1997, Grammar, Starts);
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null); // -h prints its help
        FuzzTally tally;
        try
        {
            tally = fuzzer.Run(vectors, Outcome);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        output.WriteLine(tally.ToString());
        Assert.True(tally["request"] > 0 && tally["exit 2"] > 0, "the fuzzer never got past, or never failed, the parser");
    }

    private static string Outcome(string[] args)
    {
        try
        {
            var line = new OptionLoop(args, "ipfwadm").Run();
            if (line is null) return "help";
            LineChecks.Run(line, "ipfwadm");
            FirewallRequest request = RequestBuilder.Build(line, "ipfwadm");
            Assert.NotNull(request);
            return "request";
        }
        catch (IpfwadmExit exit)
        {
            Assert.True(exit.Status is 1 or 2 or 255, $"exit {exit.Status}");
            string[] lines = exit.Stderr.Split('\n');
            Assert.True(lines.Length is 2 or 3 && lines[^1] == "" && lines[0].StartsWith("ipfwadm: ", StringComparison.Ordinal), exit.Stderr);
            Assert.True(lines.Length == 2 || lines[1] == "Try `ipfwadm -h' for more information.", exit.Stderr);
            Assert.DoesNotContain(exit.Stderr, c => char.IsControl(c) && c != '\n');
            return $"exit {exit.Status}";
        }
    }
}
