namespace Clusterd.Core;

/// <summary>
/// What the health checks last said of one node: whether it is failed, the last result (passed or
/// not, and what was seen) and when it came, how long the last active probe took (passive results
/// have no duration and leave it as it was), and when the node last changed between failed and
/// healthy (null: it never has).
/// </summary>
public sealed record NodeHealth(bool Failed, int Streak, bool LastPassed, string LastResult, DateTime LastCheck, TimeSpan? LastProbeTook, DateTime? Changed)
{
    /// <summary>A node not yet checked: healthy until its checks say otherwise.</summary>
    public static NodeHealth Unchecked { get; } = new(false, 0, false, "", default, null, null);

    /// <summary>
    /// The health after one more check result. <paramref name="fall"/> failures in a row make a
    /// healthy node failed; <paramref name="rise"/> passes in a row bring a failed node back; a
    /// result that agrees with the current state starts the count again.
    /// </summary>
    /// <param name="took">How long the probe took; null for a passive result.</param>
    public NodeHealth After(bool passed, string detail, int rise, int fall, DateTime now, TimeSpan? took = null)
    {
        bool contrary = passed == Failed;
        int streak = contrary ? Streak + 1 : 0;
        bool flips = contrary && streak >= (Failed ? rise : fall);
        var probeTook = took ?? LastProbeTook;
        return flips
            ? new NodeHealth(!Failed, 0, passed, detail, now, probeTook, now)
            : new NodeHealth(Failed, streak, passed, detail, now, probeTook, Changed);
    }
}
