using ClusterControl;

namespace Clusterd.Core;

/// <summary>
/// The kernel would not take a change (or could not be read); what it held stays as it was. The
/// kernel layer raises it at its boundary for every netlink, nft or kernel-file failure
/// (<c>Kernel/Netlink/KernelCall.cs</c>); being a refusal, it reaches a client as
/// <see cref="ControlError.KernelRefused"/> with no translation on the way.
/// </summary>
public sealed class KernelRefusedException(string message) : RefusedException(ControlError.KernelRefused, message);
