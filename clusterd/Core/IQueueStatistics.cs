namespace Clusterd.Core;

/// <summary>The kernel's own figures for the NFQUEUE queues clusterd reads: what it dropped before clusterd saw it.</summary>
public interface IQueueStatistics
{
    /// <summary>The figures of clusterd's queues that are bound, by queue number; empty when the kernel offers none.</summary>
    IReadOnlyList<QueueFigures> Read();
}

/// <summary>
/// One queue as the kernel counts it: <paramref name="Waiting"/> packets queued for a verdict now,
/// <paramref name="QueueFull"/> dropped because the queue was full, <paramref name="SocketFull"/>
/// dropped because clusterd's socket could not take them, and <paramref name="Issued"/> packet ids
/// handed out so far.
/// </summary>
public readonly record struct QueueFigures(int Queue, long Waiting, long QueueFull, long SocketFull, long Issued);
