namespace Clusterd.Workers;

/// <summary>
/// Which way of reading the held connections' conntrack entries costs less. A dump walks every
/// bucket of the kernel's hash table, empty or not: about 23 ns a bucket on this project's test
/// machine, 24 ms a second for the million-entry table's 1048576 buckets with nothing in it. A
/// lookup finds one entry by its tuple, at a cost that does not grow with the table. Each way is
/// taken to cost what it took when last used; before any lookup has been timed, <see cref="FirstLookupGuess"/>.
/// </summary>
/// <param name="firstDump">What the first dump took (clusterd's start-up count of the table is one).</param>
public sealed class RefreshCost(TimeSpan firstDump)
{
    /// <summary>What one lookup is taken to cost until one is timed: more than it takes here (a few microseconds, batched), so a guess never picks lookups where a dump is cheaper.</summary>
    public static readonly TimeSpan FirstLookupGuess = TimeSpan.FromMicroseconds(10);

    /// <summary>Past this many connections the table is dumped whatever the costs say: the flows to look up are gathered in one list, which should stay small.</summary>
    public const int MaxLookups = 65_536;

    private TimeSpan _dump = firstDump;
    private TimeSpan _lookup = FirstLookupGuess;

    /// <summary>The most connections it is cheaper to look up one by one than to dump the table for.</summary>
    public int LookupLimit => (int)Math.Min(MaxLookups, _dump.Ticks / _lookup.Ticks);

    public void Dumped(TimeSpan took) => _dump = took;

    /// <summary>Looking up <paramref name="count"/> connections took <paramref name="took"/>.</summary>
    public void LookedUp(int count, TimeSpan took)
    {
        if (count > 0) _lookup = TimeSpan.FromTicks(Math.Max(1, took.Ticks / count));
    }
}
