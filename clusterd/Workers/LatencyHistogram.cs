namespace Clusterd.Workers;

/// <summary>
/// Counts durations in buckets a quarter of a power of two wide (so percentiles are within 19%),
/// from 1 µs up, without allocating: cheap enough to record every verdict.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBuckets = 4, Buckets = 40 * SubBuckets;
    private readonly long[] _counts = new long[Buckets];

    public long Count { get; private set; }

    public void Record(double microseconds)
    {
        _counts[Bucket(microseconds)]++;
        Count++;
    }

    /// <summary>The upper bound (µs) of the bucket holding the <paramref name="fraction"/> quantile.</summary>
    public double Percentile(double fraction)
    {
        if (Count == 0) return 0;
        long rank = (long)Math.Ceiling(fraction * Count), seen = 0;
        for (int i = 0; i < Buckets; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return UpperBound(i);
        }
        return UpperBound(Buckets - 1);
    }

    public void Clear()
    {
        Array.Clear(_counts);
        Count = 0;
    }

    private static int Bucket(double microseconds)
    {
        if (microseconds <= 1) return 0;
        double scaled = Math.Log2(microseconds) * SubBuckets;
        return Math.Min(Buckets - 1, (int)Math.Ceiling(scaled));
    }

    private static double UpperBound(int bucket) => Math.Pow(2, (double)bucket / SubBuckets);
}
