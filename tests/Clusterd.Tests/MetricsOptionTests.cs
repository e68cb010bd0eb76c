using TestSupport;

namespace Clusterd.Tests;

/// <summary>clusterd --metrics: a malformed address or one that cannot be served is one line on stderr and exit status 1.</summary>
public sealed class MetricsOptionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ipc-metrics-").FullName;

    [Theory]
    [InlineData("nonsense")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:0")]
    [InlineData("127.0.0.1:70000")]
    public void AMalformedAddressIsAUsageError(string address)
    {
        var result = ClusterdProcess.RunUntilExit(_directory, "--metrics", address);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"--metrics: bad address '{address}' (expected ADDRESS:PORT, as 127.0.0.1:9469)", result.Stderr.Trim());
    }

    [Fact]
    public void APortInUseCannotBeServed()
    {
        // In a throwaway namespace: a listener (ipc-bench's sink) holds the port, then clusterd is started on it.
        string script = $"""
            ip link set lo up
            {Binaries.Path("bench/Bench", "ipc-bench")} sink 9469 & sink=$!
            for i in $(seq 100); do ss -Hltn 'sport = :9469' | grep -q . && break; sleep 0.1; done
            {Binaries.Clusterd} --socket {_directory}/s --state-dir {_directory}/state --metrics 127.0.0.1:9469
            status=$?
            kill $sink
            exit $status
            """;
        var result = CommandRunner.Run("unshare", ["--net", "--", "sh", "-c", script], timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"^clusterd: error: cannot serve metrics at 127\.0\.0\.1:9469: .+$", result.Stderr.Trim());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
