using ClusterControl;

namespace Clconfig;

/// <summary>What the command line asks for: a request to clusterd, or help/version printed locally.</summary>
public abstract record Invocation
{
    public sealed record Send(ControlRequest Request) : Invocation;
    public sealed record ShowHelp : Invocation;
    public sealed record ShowVersion : Invocation;
    /// <summary>-watch [POOL]: the live view, refreshed every second until q or Ctrl-C.</summary>
    public sealed record Watch(string? Pool) : Invocation;

    /// <summary>-ping [DIGEST]: the health probe, with the configuration digest to expect, if given (lowercase hex).</summary>
    public sealed record Ping(string? ExpectedDigest) : Invocation;
}
