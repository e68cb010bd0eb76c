using ClusterControl;

namespace Clusterd.Core;

/// <summary>A request refused for a reason the caller can act on; nothing was changed.</summary>
/// <remarks>
/// <see cref="ControlError"/> is the shared vocabulary of refusals (ClusterControl), not the wire:
/// Control turns this into an answer, in one place (docs/ARCHITECTURE.md, "Errors").
/// </remarks>
public class RefusedException(ControlError error, string message) : Exception(message)
{
    public ControlError Error { get; } = error;
}
