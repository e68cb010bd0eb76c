using Clusterd.Core;

namespace Clusterd.Tests.Fakes;

/// <summary>The kernel's queue figures as a test sets them.</summary>
public sealed class FakeQueueStatistics : IQueueStatistics
{
    public List<QueueFigures> Queues { get; } = [];

    public IReadOnlyList<QueueFigures> Read() => [.. Queues];
}
