using Clusterd.Core;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Routing;

namespace Clusterd.Workers;

/// <summary>
/// Keeps -V rules on the interfaces that hold their addresses: on every rtnetlink address or
/// interface event, the firewall is rendered again and programmed if it came out different.
/// Created before the first programming, so that no change between the two goes unseen.
/// </summary>
public sealed class AddressWatchLoop(ClusterService service) : IDisposable
{
    private readonly AddressNetlink _events = new();
    private Thread? _thread;
    private volatile bool _stopping;

    public void Start()
    {
        _thread = new Thread(Run) { Name = "address-events", IsBackground = true };
        _thread.Start();
    }

    private void Run()
    {
        while (!_stopping)
        {
            try
            {
                if (_events.WaitForChange(timeoutMs: 250)) service.InterfacesChanged();
            }
            catch (NetlinkException e)
            {
                Log.Error($"address events: {e.Message}");
                Thread.Sleep(100);
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread?.Join();
        _events.Dispose();
    }
}
