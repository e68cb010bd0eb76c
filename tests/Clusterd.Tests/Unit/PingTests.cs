using System.Security.Cryptography;
using System.Text;
using ClusterControl;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.Tests.Fakes;

namespace Clusterd.Tests.Unit;

/// <summary>The health probe's answer and the configuration digest, over the fakes.</summary>
public sealed class PingTests : IDisposable
{
    private readonly TestCluster _cluster = new(TestCluster.WithNodes("10.0.0.1", "10.0.0.2"));

    private sealed class FixedHealth(params string[] stalled) : IWorkerHealth
    {
        public IReadOnlyList<string> Stalled() => stalled;
    }

    private static string SavedScript(RequestHandler handler)
    {
        var reply = handler.Handle(new ControlRequest { Op = ControlOp.Save }, 1000);
        using var body = new MemoryStream();
        reply.WriteBody!(body);
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [Fact]
    public void TheDigestIsTheSha256OfTheSavedScriptAsSha256sumPrintsIt()
    {
        var reply = _cluster.Handler.Handle(new ControlRequest { Op = ControlOp.Ping }, 1000);

        Assert.True(reply.Answer.Ok);
        Assert.Null(reply.WriteBody);
        string expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(SavedScript(_cluster.Handler))));
        Assert.Equal(expected, reply.Answer.Ping!.Digest);
        Assert.Empty(reply.Answer.Ping.Stalled);
    }

    [Fact]
    public void EqualConfigurationsHaveEqualDigestsAndAChangeChangesIt()
    {
        using var other = new TestCluster(TestCluster.WithNodes("10.0.0.1", "10.0.0.2"));
        string before = ConfigDigest.Of(_cluster.Service.Config);
        Assert.Equal(before, ConfigDigest.Of(other.Service.Config));

        other.Service.Change(c => c.WithPool(c.FindPool(PoolName.First)! with { Scheduler = PoolScheduler.Maglev }));
        Assert.NotEqual(before, ConfigDigest.Of(other.Service.Config));
    }

    [Fact]
    public void StalledWorkersAreNamedInTheAnswer()
    {
        var handler = new RequestHandler(_cluster.Service, _cluster.Conntrack, _cluster.Interfaces, workers: new FixedHealth("nfqueue-0"));

        var ping = handler.Handle(new ControlRequest { Op = ControlOp.Ping }, 1000).Answer.Ping!;

        Assert.Equal(["nfqueue-0"], ping.Stalled.AsEnumerable());
    }

    public void Dispose() => _cluster.Dispose();
}
