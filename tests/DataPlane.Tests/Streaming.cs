using System.Diagnostics;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>Echoes on every connection, round after round, and keeps the longest time one connection went without an echo.</summary>
internal sealed class Streaming : IDisposable
{
    private readonly Thread _thread;
    private volatile bool _stopping;
    private TimeSpan _longestGap;
    private Exception? _failure;

    public Streaming(List<HeldConnection> connections)
    {
        _thread = new Thread(() =>
        {
            var clock = Stopwatch.StartNew();
            var last = connections.Select(_ => clock.Elapsed).ToArray();
            try
            {
                for (int round = 0; !_stopping; round++)
                {
                    for (int i = 0; i < connections.Count; i++)
                    {
                        connections[i].Exchange($"round {round}");
                        var now = clock.Elapsed;
                        if (now - last[i] > _longestGap) _longestGap = now - last[i];
                        last[i] = now;
                    }
                }
            }
            catch (Exception e)
            {
                _failure = e;
            }
        });
        _thread.Start();
    }

    public TimeSpan Finish()
    {
        _stopping = true;
        _thread.Join();
        if (_failure is not null) throw new InvalidOperationException("a held connection broke", _failure);
        return _longestGap;
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }
}
