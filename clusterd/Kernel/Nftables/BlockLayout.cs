using System.Globalization;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// How a long chain is held in blocks: the chain itself only jumps, in order, to regular chains of
/// at most <see cref="MaxRules"/> rules each, and a change refills only the blocks it falls in. nft
/// can append to a chain cheaply, but an insert at a position or an echo of the handles it gave
/// makes it load every rule of the table first; refilling a block whole needs neither.
/// </summary>
/// <remarks>
/// Blocks hold at least <see cref="MinRules"/> rules (unless the chain has fewer), so the jumps stay
/// few: a block a deletion leaves too small is refilled together with its neighbour.
/// </remarks>
public static class BlockLayout
{
    public const int MaxRules = 64;
    public const int MinRules = MaxRules / 2;

    /// <summary>Blocks are named <c>{chain}.{n}</c>: no chain clusterd declares has a dot in its name.</summary>
    private const char Mark = '.';

    public static string Name(string chain, int number) => string.Create(CultureInfo.InvariantCulture, $"{chain}{Mark}{number}");

    public static bool IsBlock(string chain) => chain.Contains(Mark, StringComparison.Ordinal);

    public static int NumberOf(string block) => int.Parse(block.AsSpan(block.LastIndexOf(Mark) + 1), CultureInfo.InvariantCulture);

    /// <summary>The blocks <paramref name="rules"/> are cut into: as few as hold them, as even as can be.</summary>
    public static List<List<string>> Cut(IReadOnlyList<string> rules)
    {
        int count = (rules.Count + MaxRules - 1) / MaxRules;
        var blocks = new List<List<string>>(count);
        for (int i = 0; i < count; i++)
        {
            int start = rules.Count * i / count, end = rules.Count * (i + 1) / count;
            blocks.Add([.. rules.Skip(start).Take(end - start)]);
        }
        return blocks;
    }

    /// <summary>
    /// Which of the <paramref name="held"/> blocks must be refilled to hold <paramref name="wanted"/>,
    /// and the blocks in their place; null when the rules are the same.
    /// </summary>
    public static BlockChange? Between(IReadOnlyList<IReadOnlyList<string>> held, IReadOnlyList<string> wanted)
    {
        var starts = new List<int>(held.Count + 1) { 0 };
        foreach (var block in held) starts.Add(starts[^1] + block.Count);
        var old = held.SelectMany(block => block).ToList();
        var edit = ChainEdit.Between(old, wanted);
        if (!edit.Changes) return null;

        // The blocks the change overlaps. A pure insertion overlaps none: it goes into the block
        // holding the rule before it, so that rules added one after another fill the same block.
        int BlockOf(int rule)
        {
            int block = 0;
            while (block + 1 < held.Count && starts[block + 1] <= rule) block++;
            return block;
        }
        int first = BlockOf(edit.Removed > 0 ? edit.Kept : Math.Max(edit.Kept - 1, 0));
        int last = edit.Removed > 0 ? BlockOf(old.Count - edit.KeptAfter - 1) : first;
        int count = held.Count == 0 ? 0 : last - first + 1;

        int Size() => starts[first + count] - starts[first] + wanted.Count - old.Count;
        while (Size() < MinRules && count < held.Count)
        {
            if (first + count < held.Count) count++;
            else { first--; count++; }
        }
        return new BlockChange(first, count, Cut([.. wanted.Skip(starts[first]).Take(Size())]));
    }
}

/// <param name="First">The first held block refilled.</param>
/// <param name="Count">How many held blocks, from <paramref name="First"/> on, are replaced.</param>
/// <param name="Blocks">The rules of the blocks in their place, in order.</param>
public sealed record BlockChange(int First, int Count, List<List<string>> Blocks);
