namespace Clusterd.Scheduling;

/// <summary>
/// Values at positions 0..n-1 in a segment tree of minima: change one in O(log n), read the least
/// in O(1), and find the first position at or after a given one that holds a value, in O(log n).
/// <see cref="Empty"/> stands for "no value here".
/// </summary>
public sealed class MinTree
{
    public const long Empty = long.MaxValue;

    private readonly int _leaves;   // a power of two ≥ the positions; leaf i is at _minima[_leaves + i]
    private readonly long[] _minima;

    public MinTree(int positions)
    {
        _leaves = 1;
        while (_leaves < positions) _leaves *= 2;
        _minima = new long[2 * _leaves];
        Array.Fill(_minima, Empty);
    }

    /// <summary>The least value held, or <see cref="Empty"/>.</summary>
    public long Least => _minima[1];

    public long this[int position] => _minima[_leaves + position];

    public void Set(int position, long value)
    {
        int at = _leaves + position;
        _minima[at] = value;
        for (at /= 2; at >= 1; at /= 2) _minima[at] = Math.Min(_minima[2 * at], _minima[2 * at + 1]);
    }

    /// <summary>The first position at or after <paramref name="from"/> holding <paramref name="value"/> or less, or -1.</summary>
    public int FirstAtMost(long value, int from) => First(1, 0, _leaves - 1, from, value);

    private int First(int at, int low, int high, int from, long value)
    {
        if (high < from || _minima[at] > value) return -1;
        if (low == high) return low;
        int middle = (low + high) / 2;
        int left = First(2 * at, low, middle, from, value);
        return left >= 0 ? left : First(2 * at + 1, middle + 1, high, from, value);
    }
}
