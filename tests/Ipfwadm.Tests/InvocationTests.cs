using TestSupport;

namespace Ipfwadm.Tests;

/// <summary>
/// What a .cases file cannot say: the environment ipfwadm runs in (POSIXLY_CORRECT, a user other
/// than root, no clusterd). Real binary, real daemon, output compared exactly.
/// </summary>
public sealed class InvocationTests : IDisposable
{
    private const string TryHelp = "Try `ipfwadm -h' for more information.\n";
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    public void Dispose() => _daemon.Dispose();

    [Fact]
    public void GnuGetoptPermutesSoALaterCommandIsSeen()
    {
        var result = Run(["ipfwadm", "-I", "-l", "foo", "-f"], _daemon.ClientEnvironment);
        Assert.Equal(new CommandResult(2, "", "ipfwadm: multiple commands specified\n" + TryHelp), result);
    }

    [Fact]
    public void PosixlyCorrectStopsAtTheFirstWordSoTheRestIsStray()
    {
        var environment = new Dictionary<string, string>(_daemon.ClientEnvironment) { ["POSIXLY_CORRECT"] = "1" };
        var result = Run(["ipfwadm", "-I", "-l", "foo", "-f"], environment);
        Assert.Equal(new CommandResult(2, "", "ipfwadm: unknown arguments found on commandline\n" + TryHelp), result);
    }

    [Fact]
    public void AnyUserMayList()
    {
        var result = RunAsNobody(["ipfwadm", "-I", "-l"]);
        Assert.Equal(new CommandResult(0, "IP firewall input rules, default policy: accept\n", ""), result);
    }

    [Theory]
    [InlineData("-I", "-a", "accept")]
    [InlineData("-I", "-f")]
    [InlineData("-F", "-p", "deny")]
    [InlineData("-I", "-c", "-P", "tcp", "-S", "1.1.1.1", "1", "-D", "2.2.2.2", "2", "-W", "lo", "-V", "127.0.0.1")]
    public void OtherUsersCannotCreateTheRawSocket(params string[] words)
    {
        var result = RunAsNobody(["ipfwadm", .. words]);
        Assert.Equal(new CommandResult(1, "", "ipfwadm: socket creation failed: Operation not permitted\n"), result);
    }

    [Theory]
    [InlineData("-I", "ip_input")]
    [InlineData("-A", "ip_acct")]
    public void OtherUsersCannotOpenTheProcFileForListAndZero(string category, string file)
    {
        var result = RunAsNobody(["/sbin/ipfwadm", category, "-lz"]);
        Assert.Equal(new CommandResult(1, "", $"/sbin/ipfwadm: cannot open file /proc/net/{file}\n"), result);
    }

    [Fact]
    public void WithoutClusterdOneLineAndStatusOne()
    {
        string socket = Path.Combine(_daemon.Directory, "absent.sock");
        var result = Run(["ipfwadm", "-I", "-l"], new Dictionary<string, string> { ["CLUSTERD_SOCKET"] = socket });
        Assert.Equal(new CommandResult(1, "", $"ipfwadm: cannot reach clusterd at {socket}: no such socket\n"), result);
    }

    [Fact]
    public void ControlCharactersOfTheCommandLineAreEscapedInMessages()
    {
        var result = Run(["ipfwadm", "-I", "-a", "accept", "-P", "tcp\x1b[2J\x07"], _daemon.ClientEnvironment);
        Assert.Equal(new CommandResult(2, "", "ipfwadm: invalid protocol \"tcp\\x1b[2J\\x07\" specified\n" + TryHelp), result);
    }

    private static CommandResult Run(string[] words, IReadOnlyDictionary<string, string> environment) =>
        SpecCaseTests.Invoke(words, environment);

    private CommandResult RunAsNobody(string[] words) =>
        CommandRunner.Run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
            "bash", "-c", "exec -a \"$0\" \"$@\"", words[0], Binaries.Ipfwadm, .. words[1..]], _daemon.ClientEnvironment);
}
