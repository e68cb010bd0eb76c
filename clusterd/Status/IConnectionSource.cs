namespace Clusterd.Status;

/// <summary>The clustered connections alive now, oldest first, for the status file.</summary>
public interface IConnectionSource
{
    IEnumerable<ConnectionRow> Snapshot();
}
