using System.Diagnostics;
using System.Net.Sockets;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// Opens new connections to the service at a steady rate, each closed once greeted, and tells how
/// many failed and how many waited for a SYN retransmission (took a second or more). Open loop, as
/// many independent clients are: each connection has its own thread, so one that waits holds up
/// none after it.
/// </summary>
internal sealed class SteadyClient : IDisposable
{
    /// <summary>The first SYN retransmission leaves after one second: a connection this slow lost its first SYN.</summary>
    private static readonly TimeSpan Retransmitted = TimeSpan.FromMilliseconds(900);

    private readonly Thread _pacer;
    private readonly List<Thread> _connecting = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly List<SocketError> _errors = [];
    private volatile bool _stopping;
    private int _made, _waited, _underWay;

    public SteadyClient(LabClient client, int perSecond)
    {
        _pacer = new Thread(() =>
        {
            for (long slot = 0; !_stopping; slot++)
            {
                var early = TimeSpan.FromSeconds((double)slot / perSecond) - _clock.Elapsed;
                if (early > TimeSpan.Zero) Thread.Sleep(early);
                var connecting = new Thread(() => Open(client));
                connecting.Start();
                _connecting.Add(connecting);
            }
        });
        _pacer.Start();
    }

    /// <summary>Connections opened and not yet closed (or given up): what a count of the service's connections may hold besides others'.</summary>
    public int UnderWay => Volatile.Read(ref _underWay);

    private void Open(LabClient client)
    {
        Interlocked.Increment(ref _underWay);
        var started = _clock.Elapsed;
        SocketError error;
        try
        {
            (var connection, error) = client.TryConnect(LabClient.Service, TimeSpan.FromSeconds(10));
            connection?.Dispose();
        }
        catch (Exception) // anything else is a failure too, and must not take the test host down
        {
            error = SocketError.SocketError;
        }
        bool slow = _clock.Elapsed - started >= Retransmitted;
        lock (_gate)
        {
            if (error != SocketError.Success) _errors.Add(error);
            else _made++;
            if (slow) _waited++;
        }
        Interlocked.Decrement(ref _underWay);
    }

    /// <summary>Stops and waits for the connections under way.</summary>
    public (int Made, int Waited, List<SocketError> Errors) Finish()
    {
        Dispose();
        lock (_gate) return (_made, _waited, [.. _errors]);
    }

    public void Dispose()
    {
        _stopping = true;
        _pacer.Join();
        _connecting.ForEach(t => t.Join());
    }
}
