namespace Clusterd.Workers;

/// <summary>
/// Told of every verdict a <see cref="VerdictLoop"/> gives, on the loop's thread: it must be cheap
/// (no lock, no allocation), as it runs once per new connection.
/// </summary>
public interface IVerdictObserver
{
    /// <param name="accepted">The packet went to a node; false: no node could take it and it was dropped.</param>
    /// <param name="microseconds">From the kernel receiving the packet to the verdict, when the kernel timestamped it.</param>
    void Decided(bool accepted, long? microseconds);
}
