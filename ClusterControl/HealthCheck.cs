namespace ClusterControl;

/// <summary>What a health check probes (see clconfig(8), <c>-check</c>).</summary>
public enum CheckKind
{
    /// <summary>Not checked: for a node, even when its pool has a check.</summary>
    None,
    /// <summary>A TCP connection to the node's private address is accepted.</summary>
    Tcp,
    /// <summary>An HTTP GET of a path on the node's private address answers with the expected status.</summary>
    Http,
    /// <summary>A command run on the front-end, with the node's address in its environment, exits 0.</summary>
    Exec,
    /// <summary>A TCP connection to the shared address, sent through the node as its clustered traffic is, is accepted.</summary>
    Shared,
}

/// <summary>
/// An active health check of a pool's nodes or of one node. The defaults detect a dead node within
/// 2 s: a probe every 500 ms, each given 500 ms, failed after 2 failures in a row, back after 2 passes.
/// </summary>
public sealed record HealthCheck
{
    public const int DefaultIntervalMs = 500, DefaultTimeoutMs = 500, DefaultRise = 2, DefaultFall = 2, DefaultExpect = 200;
    public const int MinIntervalMs = 100, MaxIntervalMs = 3_600_000, MinTimeoutMs = 50, MaxTimeoutMs = 60_000, MaxCount = 100;
    /// <summary>The longest exec command or HTTP path accepted.</summary>
    public const int MaxText = 1024;

    public required CheckKind Kind { get; init; }
    /// <summary>For tcp, http and shared: the TCP port probed.</summary>
    public int Port { get; init; }
    /// <summary>For http: the path asked for, starting with '/'.</summary>
    public string? Path { get; init; }
    /// <summary>For http: the status code a healthy node answers.</summary>
    public int Expect { get; init; } = DefaultExpect;
    /// <summary>For exec: the command, run by /bin/sh -c.</summary>
    public string? Command { get; init; }
    public int IntervalMs { get; init; } = DefaultIntervalMs;
    public int TimeoutMs { get; init; } = DefaultTimeoutMs;
    /// <summary>Passes in a row that bring a failed node back.</summary>
    public int Rise { get; init; } = DefaultRise;
    /// <summary>Failures in a row that make a node failed.</summary>
    public int Fall { get; init; } = DefaultFall;

    /// <summary>What is wrong with this check, or null when it is one clconfig could have built.</summary>
    public string? Problem() =>
        !Enum.IsDefined(Kind) ? "bad check kind"
        : Kind is CheckKind.Tcp or CheckKind.Http or CheckKind.Shared && Port is < 1 or > 65535 ? $"bad check port '{Port}'"
        : Kind == CheckKind.Http && !IsPath(Path) ? "bad check path (expected /..., printable, no spaces)"
        : Kind == CheckKind.Http && Expect is < 100 or > 599 ? $"bad expected status '{Expect}' (expected 100..599)"
        : Kind == CheckKind.Exec && !IsCommand(Command) ? "bad check command (expected one line of text)"
        : IntervalMs is < MinIntervalMs or > MaxIntervalMs ? $"bad check interval '{IntervalMs}' (expected {MinIntervalMs}..{MaxIntervalMs} ms)"
        : TimeoutMs is < MinTimeoutMs or > MaxTimeoutMs ? $"bad check timeout '{TimeoutMs}' (expected {MinTimeoutMs}..{MaxTimeoutMs} ms)"
        : Rise is < 1 or > MaxCount ? $"bad rise '{Rise}' (expected 1..{MaxCount})"
        : Fall is < 1 or > MaxCount ? $"bad fall '{Fall}' (expected 1..{MaxCount})"
        : null;

    private static bool IsPath(string? path) =>
        path is { Length: > 0 and <= MaxText } && path[0] == '/' && path.All(c => c is > ' ' and < '\x7f');

    private static bool IsCommand(string? command) =>
        command is { Length: > 0 and <= MaxText } && !string.IsNullOrWhiteSpace(command) && !command.Any(char.IsControl);
}

public static class CheckWords
{
    public static string Word(this CheckKind kind) => kind switch
    {
        CheckKind.Tcp => "tcp",
        CheckKind.Http => "http",
        CheckKind.Exec => "exec",
        CheckKind.Shared => "shared",
        _ => "none",
    };

    public static bool TryParseKind(string word, out CheckKind kind)
    {
        kind = word switch
        {
            "tcp" => CheckKind.Tcp,
            "http" => CheckKind.Http,
            "exec" => CheckKind.Exec,
            "shared" => CheckKind.Shared,
            _ => CheckKind.None,
        };
        return kind != CheckKind.None || word == "none";
    }
}
