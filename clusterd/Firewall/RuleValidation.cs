using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Firewall;

/// <summary>
/// clusterd's own checks of a rule a client sent: what ipfwadm validates is checked again (a
/// client may be anything), and what only the kernel could know — whether a cluster rule's pool
/// and static node exist — is refused with the 2.0 kernel's errno.
/// </summary>
public static class RuleValidation
{
    public static FirewallRule Check(ClusterConfig config, FirewallRule rule)
    {
        bool firewallChain = rule.Chain != FirewallChain.Accounting;
        Require(!rule.Masquerade || (rule.Chain == FirewallChain.Forward && rule.Policy == RulePolicy.Accept));
        Require(!rule.Redirect || rule.Chain == FirewallChain.Input);
        Require(rule.Protocol is RuleProtocol.Tcp or RuleProtocol.Udp or RuleProtocol.Icmp
                || (rule.Source.Ports.IsDefaultOrEmpty && rule.Destination.Ports.IsDefaultOrEmpty));
        Require(rule.Source.Ports.Length + rule.Destination.Ports.Length + (rule.Redirect ? 1 : 0) <= 10);
        Require(Masked(rule.Source) && Masked(rule.Destination));
        Require(rule.Interface.Length <= 16);
        // The 2.0 kernel kept bit 0 of the TOS masks neutral whatever was asked for.
        rule = rule with { TosAnd = (byte)(rule.TosAnd | 1), TosXor = (byte)(rule.TosXor & 0xfe) };
        if (rule.Policy != RulePolicy.Cluster) return rule;

        Require(firewallChain && rule.Chain is FirewallChain.Input or FirewallChain.Forward);
        var pool = config.FindPool(rule.Pool!)
                   ?? throw new RefusedException(ControlError.KernelRefused, FirewallCommands.NoSuchDevice);
        if (rule.StaticNode is { } node && pool.FindNode(node) is null)
            throw new RefusedException(ControlError.KernelRefused, FirewallCommands.NoSuchDeviceOrAddress);
        return rule;
    }

    /// <summary>The address has no bits outside its mask, as ipfwadm stores it.</summary>
    private static bool Masked(AddressMatch side) => (side.Address.Value & ~side.Mask.Value) == 0;

    private static void Require(bool condition)
    {
        if (!condition) throw new RefusedException(ControlError.KernelRefused, FirewallCommands.InvalidArgument);
    }
}
