using TestSupport;

namespace Ipfwadm.Tests;

/// <summary>
/// Every case of Cases/spec-section6.cases: the real ipfwadm-cluster binary, invoked as
/// "ipfwadm", against a real clusterd; stdout, stderr and exit status compared exactly.
/// </summary>
public sealed class SpecCaseTests
{
    private static readonly string CasesFile = Path.Combine(AppContext.BaseDirectory, "Cases", "spec-section6.cases");

    public static TheoryData<string> Cases => [.. CommandCase.Load(CasesFile).Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BehavesAsSpecified(string name)
    {
        var @case = CommandCase.Load(CasesFile).Single(c => c.Name == name);
        using var daemon = ClusterdProcess.StartNew();
        foreach (var step in @case.Steps)
        {
            var result = Invoke(step.Words, daemon.ClientEnvironment);
            Assert.True(
                (step.Stdout, step.Stderr, step.ExitCode) == (result.Stdout, result.Stderr, result.ExitCode),
                $"{string.Join(' ', step.Words)}\nexpected:\nexit {step.ExitCode}\n--- stdout\n{step.Stdout}--- stderr\n{step.Stderr}\nactual:\n{result}");
        }
    }

    /// <summary>Runs ipfwadm (or clconfig) with argv[0] exactly as the case writes it.</summary>
    public static CommandResult Invoke(string[] words, IReadOnlyDictionary<string, string> environment)
    {
        string binary = words[0] == "clconfig" ? Binaries.Clconfig : Binaries.Ipfwadm;
        return CommandRunner.Run("bash", ["-c", "exec -a \"$0\" \"$@\"", words[0], binary, .. words[1..]], environment);
    }
}
