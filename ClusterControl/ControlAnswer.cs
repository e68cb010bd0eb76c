using ClusterControl.Firewall;

namespace ClusterControl;

/// <summary>clusterd's answer to one request. A body, when <see cref="HasBody"/>, follows on the wire.</summary>
public sealed record ControlAnswer
{
    public int Version { get; init; } = ControlProtocol.Version;
    public ControlError? Error { get; init; }
    /// <summary>One line saying what went wrong, for the client to print after its own name.</summary>
    public string? Message { get; init; }
    public bool HasBody { get; init; }
    public FirewallAnswer? Firewall { get; init; }
    public PingAnswer? Ping { get; init; }

    public bool Ok => Error is null;

    public static ControlAnswer Done { get; } = new();

    public static ControlAnswer WithBody { get; } = new() { HasBody = true };

    public static ControlAnswer Fail(ControlError error, string message) => new() { Error = error, Message = message };
}

/// <summary>Why a request was refused. Every refusal leaves the state as it was.</summary>
public enum ControlError
{
    /// <summary>The request was malformed, too large, too slow or of another protocol version.</summary>
    BadRequest,
    /// <summary>The caller is not root and asked for a change.</summary>
    PermissionDenied,
    NoSuchPool,
    NoSuchNode,
    Exists,
    InUse,
    /// <summary>The kernel refused to apply the change; the previous configuration is still in force.</summary>
    KernelRefused,
    Internal,
    /// <summary>The caller (not root) already holds as many connections to clusterd as one user may.</summary>
    Busy,
}
