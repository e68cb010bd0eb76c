namespace Clusterd.Core;

/// <summary>
/// New connections per node: the total scheduled since clusterd started, and the rate over the
/// last few seconds, as <c>ipvsadm --rate</c> shows. The totals are sampled once a second; the
/// rate is the growth since the oldest sample kept, so one request answers it without waiting.
/// Not thread-safe, and no clock inside: the owner serialises and passes the time (milliseconds).
/// </summary>
public sealed class ConnectionRates
{
    /// <summary>How far apart samples are taken.</summary>
    public const long SampleEvery = 1000;

    /// <summary>Samples older than this are dropped: the rate covers the last 3 to 4 seconds.</summary>
    public const long Window = 4000;

    private readonly Dictionary<int, long> _totals = [];
    private readonly Queue<(long At, Dictionary<int, long> Totals)> _samples = new();
    private long _lastSampleAt;

    /// <summary>A new connection was sent to node <paramref name="nodeId"/>.</summary>
    public void Count(int nodeId) => _totals[nodeId] = _totals.GetValueOrDefault(nodeId) + 1;

    public long Total(int nodeId) => _totals.GetValueOrDefault(nodeId);

    /// <summary>Takes a sample when the last is <see cref="SampleEvery"/> old; call it often (every few hundred ms).</summary>
    public void Sample(long now)
    {
        if (_samples.Count > 0 && now - _lastSampleAt < SampleEvery) return;
        _samples.Enqueue((now, new Dictionary<int, long>(_totals)));
        _lastSampleAt = now;
        while (_samples.Count > 1 && now - _samples.Peek().At > Window) _samples.Dequeue();
    }

    /// <summary>New connections per second to node <paramref name="nodeId"/> since the oldest sample; 0 until a sample is half a second old.</summary>
    public double PerSecond(int nodeId, long now)
    {
        if (!_samples.TryPeek(out var oldest) || now - oldest.At < SampleEvery / 2) return 0;
        return (Total(nodeId) - oldest.Totals.GetValueOrDefault(nodeId)) * 1000.0 / (now - oldest.At);
    }
}
