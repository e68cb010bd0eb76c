using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.Firewall;

namespace Clusterd.Control;

/// <summary>An ipfwadm request as calls to the core, and its answer.</summary>
public sealed class FirewallRequests(ClusterService service, IConntrack conntrack, INetworkInterfaces interfaces)
{
    public ControlReply Execute(FirewallRequest request)
    {
        switch (request.Command)
        {
            case FirewallCommand.Append:
            case FirewallCommand.Insert:
                service.Change(config => FirewallCommands.Add(config, request));
                return ControlReply.Done;
            case FirewallCommand.Delete:
                service.Change(config => FirewallCommands.Delete(config, request));
                return ControlReply.Done;
            case FirewallCommand.Flush:
                service.Change(config => FirewallCommands.Flush(config, request.Chain));
                return ControlReply.Done;
            case FirewallCommand.Zero:
                FirewallCommands.CountedRules(service, service.Config, request.Chain, zero: true);
                return ControlReply.Done;
            case FirewallCommand.List:
            case FirewallCommand.ListAndZero:
                return Listing(request.Chain, zero: request.Command == FirewallCommand.ListAndZero);
            case FirewallCommand.SetPolicy:
                service.Change(config => FirewallCommands.SetPolicy(config, request));
                return ControlReply.Done;
            case FirewallCommand.SetMasqueradeTimeouts:
                service.Change(config => FirewallCommands.SetTimeouts(config, request.Timeouts));
                return ControlReply.Done;
            case FirewallCommand.Check:
                return Answer(new FirewallAnswer { Verdicts = [.. FirewallCommands.Check(service.Config, request.Chain, request.Packets, interfaces)] });
            case FirewallCommand.ListMasquerade:
                return Answer(new FirewallAnswer { Masqueraded = [.. conntrack.Masqueraded()] });
            default:
                return ControlReply.Fail(ControlError.BadRequest, $"unknown firewall command '{request.Command}'");
        }
    }

    private ControlReply Listing(FirewallChain chain, bool zero)
    {
        var config = service.Config;
        return Answer(new FirewallAnswer { Policy = config.PolicyOf(chain), Rules = [.. FirewallCommands.CountedRules(service, config, chain, zero)] });
    }

    private static ControlReply Answer(FirewallAnswer answer) => new(ControlAnswer.Done with { Firewall = answer });
}
