using Clusterd.Core;

namespace Clusterd.Status;

/// <summary>
/// The status file's connection table: the connections clusterd counts, oldest first, each with
/// the time conntrack still gives it, from the expiry clusterd keeps (conntrack's events, and
/// <c>Workers/ExpiryRefreshLoop</c>'s dumps): a read never waits on the kernel.
/// </summary>
public sealed class LiveConnections(ClusterService service)
{
    /// <summary>Connections read under one hold of the core's lock.</summary>
    private const int PageSize = 2048;

    /// <summary>
    /// The rows, made a page at a time as the body is written: the connections held when this is
    /// called that are still held when their page is read. One conntrack has not reported yet (a
    /// verdict placed it a moment ago) is left out; one whose expiry has passed (its entry is about
    /// to go) shows 0.
    /// </summary>
    public IEnumerable<ConnectionRow> Snapshot() => Rows(service.LastConnection);

    private IEnumerable<ConnectionRow> Rows(long last)
    {
        var page = new List<HeldConnection>((int)Math.Min(PageSize, last)); // a small table asks for no more
        for (long after = 0; after < last;)
        {
            page.Clear();
            after = service.ConnectionsPage(after, last, page, PageSize);
            long now = Environment.TickCount64;
            foreach (var (flow, placement, expiresAt) in page)
            {
                if (expiresAt == ConnectionTable.Unknown) continue;
                yield return new ConnectionRow(flow.Protocol, placement.Pool, flow.Source, flow.SourcePort,
                    flow.Destination, flow.DestinationPort, placement.Node.Address, Math.Max(0, expiresAt - now) / 1000.0);
            }
        }
    }
}
