namespace Clusterd.Kernel.Nftables;

/// <summary>
/// How one chain's rules become another's with the fewest rules touched when they differ in one
/// stretch, as a rule added, deleted or replaced makes them: the common run at the start and the
/// one at the end stay, what lies between goes, the new stretch comes in its place.
/// </summary>
/// <param name="Kept">Rules at the start both lists share.</param>
/// <param name="Removed">Old rules after those, to delete.</param>
/// <param name="Added">New rules to put in their place, in order.</param>
/// <param name="KeptAfter">Rules at the end both lists share.</param>
public sealed record ChainEdit(int Kept, int Removed, IReadOnlyList<string> Added, int KeptAfter)
{
    public bool Changes => Removed > 0 || Added.Count > 0;

    public static ChainEdit Between(IReadOnlyList<string> old, IReadOnlyList<string> wanted)
    {
        int kept = 0;
        while (kept < old.Count && kept < wanted.Count && old[kept] == wanted[kept]) kept++;
        int after = 0;
        while (after < old.Count - kept && after < wanted.Count - kept && old[^(after + 1)] == wanted[^(after + 1)]) after++;
        var added = new List<string>(wanted.Count - kept - after);
        for (int i = kept; i < wanted.Count - after; i++) added.Add(wanted[i]);
        return new ChainEdit(kept, old.Count - kept - after, added, after);
    }
}
