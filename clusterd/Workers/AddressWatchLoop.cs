using Clusterd.Core;
using Clusterd.Kernel.Routing;

namespace Clusterd.Workers;

/// <summary>
/// Keeps -V rules on the interfaces that hold their addresses: on every rtnetlink address or
/// interface event, the firewall is rendered again and programmed if it came out different.
/// Created before the first programming, so that no change between the two goes unseen.
/// </summary>
public sealed class AddressWatchLoop(ClusterService service) : WorkerLoop("address-events")
{
    private readonly AddressNetlink _events = new();

    protected override void RunOnce()
    {
        if (_events.WaitForChange(StepTimeoutMs)) service.InterfacesChanged();
    }

    protected override void Release() => _events.Dispose();
}
