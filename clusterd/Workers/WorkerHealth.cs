using Clusterd.Core;

namespace Clusterd.Workers;

/// <summary>The health of clusterd's worker threads, from the time each last finished a round.</summary>
public sealed class WorkerHealth(IReadOnlyList<WorkerLoop> workers) : IWorkerHealth
{
    public IReadOnlyList<string> Stalled()
    {
        long now = Environment.TickCount64;
        return [.. workers.Where(w => w.IsStalled(now)).Select(w => w.Name)];
    }
}
