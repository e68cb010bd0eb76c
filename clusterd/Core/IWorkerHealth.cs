namespace Clusterd.Core;

/// <summary>Whether the threads that feed the kernel's events to the core are still going round.</summary>
public interface IWorkerHealth
{
    /// <summary>The names of the workers that have not finished a round lately (stuck, or waiting on a stuck lock).</summary>
    IReadOnlyList<string> Stalled();
}
