using System.Collections.Immutable;
using ClusterControl;
using ClusterControl.Firewall;

namespace Clusterd.Control;

/// <summary>
/// Checks that a request is whole, as its types promise: JSON lets a client send null for any
/// object, array or string and any number for an enum, and the commands behind the handler trust
/// the types. So every field of every request is checked here, once, at the boundary; what the
/// values mean (does the pool exist, is the rule valid) is for the commands.
/// </summary>
public static class RequestShape
{
    /// <summary>What is malformed in <paramref name="request"/>, or null when it is whole.</summary>
    public static string? Problem(ControlRequest request) =>
        !Enum.IsDefined(request.Op) ? $"unknown request '{request.Op}'"
        : request.State is { } state && !Enum.IsDefined(state) ? "bad node state"
        : request.Forward is { } forward && !Enum.IsDefined(forward) ? "bad forwarding method"
        : request.Scheduler is { } scheduler && !Enum.IsDefined(scheduler) ? "bad scheduler"
        : !Enum.IsDefined(request.Format) ? "bad output format"
        : request.Op == ControlOp.Firewall && request.Firewall is null ? "missing firewall request"
        : request.Firewall is { } firewall ? FirewallProblem(firewall)
        : request.Check is { } check && !Enum.IsDefined(check.Kind) ? "bad check kind"
        : request.Check is { Kind: CheckKind.Http, Path: null } ? "missing check path"
        : request.Check is { Kind: CheckKind.Exec, Command: null } ? "missing check command"
        : null;

    private static string? FirewallProblem(FirewallRequest request) =>
        !Enum.IsDefined(request.Command) ? $"unknown firewall command '{request.Command}'"
        : !Enum.IsDefined(request.Chain) ? "bad chain"
        : request.Policy is { } policy && !Enum.IsDefined(policy.Policy) ? "bad policy"
        : Each(request.Rules, "rules", RuleProblem)
          ?? Each(request.Packets, "packets", PacketProblem);

    private static string? RuleProblem(FirewallRule rule) =>
        !Enum.IsDefined(rule.Chain) || !Enum.IsDefined(rule.Policy) || !Enum.IsDefined(rule.Protocol) || !Enum.IsDefined(rule.Direction)
            ? "bad rule: unknown chain, policy, protocol or direction"
        : rule.Interface is null ? "bad rule: missing interface"
        : SideProblem(rule.Source) ?? SideProblem(rule.Destination);

    private static string? SideProblem(AddressMatch? side) =>
        side is null ? "bad rule: missing source or destination"
        : side.Ports.IsDefault ? "bad rule: missing ports"
        : null;

    private static string? PacketProblem(CheckedPacket packet) =>
        !Enum.IsDefined(packet.Protocol) ? "bad packet: unknown protocol"
        : packet.Interface is null ? "bad packet: missing interface"
        : null;

    private static string? Each<T>(ImmutableArray<T> items, string name, Func<T, string?> problem) where T : class
    {
        if (items.IsDefault) return $"missing {name}";
        foreach (var item in items)
            if ((item is null ? $"empty entry in {name}" : problem(item)) is { } found) return found;
        return null;
    }
}
