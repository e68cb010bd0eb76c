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
        var statuses = new Dictionary<string, int>();
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Null); // -h prints its help
        try
        {
            for (int i = 0; i < vectors; i++)
            {
                var args = fuzzer.Next();
                string outcome = Outcome(args);
                statuses[outcome] = statuses.GetValueOrDefault(outcome) + 1;
            }
        }
        finally
        {
            Console.SetOut(stdout);
        }
        output.WriteLine($"{vectors} command lines: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} {s.Value}"))}");
        Assert.True(statuses.GetValueOrDefault("request") > 0 && statuses.GetValueOrDefault("exit 2") > 0, "the fuzzer never got past, or never failed, the parser");
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
            string where = $"[{string.Join(" ", args.Select(a => $"'{a}'"))}]";
            Assert.True(exit.Status is 1 or 2 or 255, $"{where}: exit {exit.Status}");
            string[] lines = exit.Stderr.Split('\n');
            Assert.True(lines.Length is 2 or 3 && lines[^1] == "" && lines[0].StartsWith("ipfwadm: ", StringComparison.Ordinal), $"{where}: {exit.Stderr}");
            Assert.True(lines.Length == 2 || lines[1] == "Try `ipfwadm -h' for more information.", $"{where}: {exit.Stderr}");
            Assert.DoesNotContain(exit.Stderr, c => char.IsControl(c) && c != '\n');
            return $"exit {exit.Status}";
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"[{string.Join(" ", args.Select(a => $"'{a}'"))}]: {e}");
            throw;
        }
    }
}
