using System.Net;
using System.Net.Sockets;
using System.Text;
using ClusterControl;
using Clusterd.Health;
using Clusterd.State;

namespace Clusterd.Tests;

/// <summary>The tcp and http probes against real sockets on the loopback: what passes, what fails and how it reads.</summary>
public sealed class ProbeTests : IDisposable
{
    private readonly TcpListener _server = new(IPAddress.Loopback, 0);

    public ProbeTests() => _server.Start();

    private int Port => ((IPEndPoint)_server.LocalEndpoint).Port;

    private static ProbeTarget Target(HealthCheck check) =>
        new(new NodeConfig(Ipv4Address.Parse("127.0.0.1"), NodeState.Up, 10, 1), PoolName.First, ForwardMethod.Route, check, null);

    private static Task<ProbeResult> Probe(IProbe probe, HealthCheck check) =>
        probe.RunAsync(Target(check), new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

    /// <summary>Answers one connection with <paramref name="answer"/> once the request's blank line came, and returns the request.</summary>
    private async Task<string> AnswerOnce(string answer)
    {
        using var client = await _server.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[1024];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await stream.ReadAsync(buffer);
            if (read == 0) break;
            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        await stream.WriteAsync(Encoding.ASCII.GetBytes(answer));
        return request.ToString();
    }

    [Fact]
    public async Task TcpPassesWhereSomethingListensAndFailsWhereNothingDoes()
    {
        var passed = await Probe(new TcpProbe(), new HealthCheck { Kind = CheckKind.Tcp, Port = Port });
        Assert.True(passed.Passed, passed.Detail);

        _server.Stop();
        var failed = await Probe(new TcpProbe(), new HealthCheck { Kind = CheckKind.Tcp, Port = Port });
        Assert.Equal(ProbeResult.Fail($"127.0.0.1:{Port}: connection refused"), failed);
    }

    [Fact]
    public async Task HttpAsksForThePathAndComparesTheStatus()
    {
        var check = new HealthCheck { Kind = CheckKind.Http, Port = Port, Path = "/health", Expect = 204 };
        var served = AnswerOnce("HTTP/1.1 204 No Content\r\n\r\n");
        Assert.Equal(ProbeResult.Pass("HTTP 204"), await Probe(new HttpProbe(), check));
        Assert.StartsWith("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n", await served);

        served = AnswerOnce("HTTP/1.1 503 Service Unavailable\r\n\r\n");
        Assert.Equal(ProbeResult.Fail("HTTP 503, expected 204"), await Probe(new HttpProbe(), check));
        await served;

        served = AnswerOnce("node1\n");
        Assert.Equal(ProbeResult.Fail("no HTTP status line"), await Probe(new HttpProbe(), check));
        await served;
    }

    public void Dispose() => _server.Dispose();
}
