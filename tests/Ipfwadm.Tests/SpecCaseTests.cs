using TestSupport;

namespace Ipfwadm.Tests;

/// <summary>
/// Every case of every Cases/*.cases file (spec-section6: the spec's numbered cases; edge-cases:
/// further behaviour read from ipfwadm.c and the 2.0 kernel): the real ipfwadm-cluster binary,
/// invoked as "ipfwadm", against a real clusterd; stdout, stderr and exit status compared exactly.
/// </summary>
public sealed class SpecCaseTests
{
    private static readonly string CasesDirectory = Path.Combine(AppContext.BaseDirectory, "Cases");

    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (string file in Directory.GetFiles(CasesDirectory, "*.cases").Order())
                foreach (var @case in CommandCase.Load(file))
                    cases.Add(Path.GetFileName(file), @case.Name);
            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BehavesAsSpecified(string file, string name)
    {
        var @case = CommandCase.Load(Path.Combine(CasesDirectory, file)).Single(c => c.Name == name);
        using var daemon = StartDaemonWithEth0();
        foreach (var step in @case.Steps)
        {
            var result = Invoke(step.Words, daemon.ClientEnvironment);
            Assert.True(
                (step.Stdout, step.Stderr, step.ExitCode) == (result.Stdout, result.Stderr, result.ExitCode),
                $"{string.Join(' ', step.Words)}\nexpected:\nexit {step.ExitCode}\n--- stdout\n{step.Stdout}--- stderr\n{step.Stderr}\nactual:\n{result}");
        }
    }

    /// <summary>
    /// A clusterd whose network namespace has what the cases of docs/ipfwadm-spec.md assume (§6): an interface eth0
    /// with address 10.0.0.254, which -c checks that name it need.
    /// </summary>
    public static ClusterdProcess StartDaemonWithEth0()
    {
        var daemon = ClusterdProcess.StartNew();
        var made = CommandRunner.Run("nsenter", ["-t", daemon.Pid.ToString(), "-n", "sh", "-c",
            "ip link add eth0 type veth peer name eth0peer && ip addr add 10.0.0.254/24 dev eth0 && ip link set eth0 up"]);
        if (made.ExitCode == 0) return daemon;
        daemon.Dispose();
        throw new InvalidOperationException($"cannot add eth0 to clusterd's namespace\n{made}");
    }

    /// <summary>Runs ipfwadm (or clconfig) with argv[0] exactly as the case writes it.</summary>
    public static CommandResult Invoke(string[] words, IReadOnlyDictionary<string, string> environment)
    {
        string binary = words[0] == "clconfig" ? Binaries.Clconfig : Binaries.Ipfwadm;
        return CommandRunner.Run("bash", ["-c", "exec -a \"$0\" \"$@\"", words[0], binary, .. words[1..]], environment);
    }
}
