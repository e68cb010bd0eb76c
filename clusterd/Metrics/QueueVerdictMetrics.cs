using Clusterd.Workers;
using Prometheus;

namespace Clusterd.Metrics;

/// <summary>
/// One queue's verdicts as metrics, fed by its verdict loop: the labelled children are resolved
/// once here, so a verdict costs an atomic addition or two and no lookup, lock or allocation.
/// </summary>
public sealed class QueueVerdictMetrics(Counter.Child acceptedCount, Counter.Child droppedCount, Histogram.Child latency) : IVerdictObserver
{
    public void Decided(bool accepted, long? microseconds)
    {
        (accepted ? acceptedCount : droppedCount).Inc();
        if (microseconds is { } us) latency.Observe(us / 1e6);
    }
}
