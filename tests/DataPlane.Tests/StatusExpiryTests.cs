using System.Globalization;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// The status file's Expires column follows conntrack's timeout without asking the kernel at the
/// read: a timeout changed with an event (conntrack -U) at once, one traffic moves on silently after
/// clusterd's next background dump. Each is checked between two readings of conntrack, so a slow
/// machine widens the bracket instead of failing the test.
/// </summary>
public sealed class StatusExpiryTests : IDisposable
{
    private readonly ClusterLab _cluster = new(nodes: 1);

    [Fact]
    public void ExpiresTracksConntracksTimeoutWithinASecond()
    {
        _cluster.SeedSetUp();
        var connection = Assert.Single(_cluster.Client.Open(1));
        using (connection)
        {
            _cluster.Lab.Exec(_cluster.Lab.FrontEnd, "conntrack", "-U", "-p", "tcp", "-d", Lab.SharedAddress, "--timeout", "600");
            Assert.InRange(ExpiresOnceItIs(e => e <= 600), 0, 600); // the update's event carried it
            AssertExpiresWithinASecondOfConntrack();

            connection.Exchange("traffic moves the timeout on, without an event");
            Assert.True(ExpiresOnceItIs(e => e > 1000) > 1000, "the background dump never brought in the new timeout");
            AssertExpiresWithinASecondOfConntrack();
        }
    }

    private void AssertExpiresWithinASecondOfConntrack()
    {
        double before = ConntrackTimeout();
        double? shown = Expires();
        double after = ConntrackTimeout();
        Assert.NotNull(shown);
        Assert.InRange(shown.Value, after - 1, before + 1);
    }

    /// <summary>Waits (generously) for the one connection's Expires to meet <paramref name="condition"/>; the last value seen.</summary>
    private double ExpiresOnceItIs(Func<double, bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        double? expires = Expires();
        while (expires is not { } seen || !condition(seen))
        {
            if (DateTime.UtcNow > deadline) return expires ?? double.NaN;
            Thread.Sleep(100);
            expires = Expires();
        }
        return expires.Value;
    }

    /// <summary>The Expires column of the one connection row of <c>clconfig -status</c>; null while it has none.</summary>
    private double? Expires()
    {
        var status = _cluster.Daemon.Clconfig("-status");
        Assert.True(status.ExitCode == 0, status.ToString());
        var row = status.Stdout.Split('\n').SingleOrDefault(line => line.StartsWith("TCP ", StringComparison.Ordinal));
        return row is null ? null : double.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>The seconds the front-end's conntrack gives the connection now (the third word of its entry).</summary>
    private double ConntrackTimeout()
    {
        var listing = _cluster.Lab.Exec(_cluster.Lab.FrontEnd, "conntrack", "-L", "-p", "tcp", "-d", Lab.SharedAddress);
        return double.Parse(listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single().Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }

    public void Dispose() => _cluster.Dispose();
}
