namespace Clusterd.Core;

/// <summary>
/// What the health checks last said of one node: whether it is failed, the last result (passed or
/// not, and what was seen) and when it
/// came, and when the node last changed between failed and healthy (null: it never has).
/// </summary>
public sealed record NodeHealth(bool Failed, int Streak, bool LastPassed, string LastResult, DateTime LastCheck, DateTime? Changed)
{
    /// <summary>A node not yet checked: healthy until its checks say otherwise.</summary>
    public static NodeHealth Unchecked { get; } = new(false, 0, false, "", default, null);

    /// <summary>
    /// The health after one more check result. <paramref name="fall"/> failures in a row make a
    /// healthy node failed; <paramref name="rise"/> passes in a row bring a failed node back; a
    /// result that agrees with the current state starts the count again.
    /// </summary>
    public NodeHealth After(bool passed, string detail, int rise, int fall, DateTime now)
    {
        bool contrary = passed == Failed;
        int streak = contrary ? Streak + 1 : 0;
        bool flips = contrary && streak >= (Failed ? rise : fall);
        return flips
            ? new NodeHealth(!Failed, 0, passed, detail, now, now)
            : new NodeHealth(Failed, streak, passed, detail, now, Changed);
    }
}
