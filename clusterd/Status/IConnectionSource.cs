namespace Clusterd.Status;

/// <summary>The clustered connections alive now, oldest first, for the status file.</summary>
public interface IConnectionSource
{
    IEnumerable<ConnectionRow> Snapshot();
}

/// <summary>No data plane, no connections.</summary>
public sealed class NoConnections : IConnectionSource
{
    public IEnumerable<ConnectionRow> Snapshot() => [];
}
