namespace ClusterControl;

/// <summary>
/// The control protocol between the commands and clusterd, over a Unix stream socket.
/// </summary>
/// <remarks>
/// One connection carries one exchange:
/// <list type="number">
/// <item>the client sends a <see cref="ControlRequest"/> as one line of UTF-8 JSON ending in '\n',
/// at most <see cref="MaxRequestBytes"/> long, within <see cref="RequestTimeout"/> (root: <see cref="RootRequestTimeout"/>);</item>
/// <item>clusterd answers with a <see cref="ControlAnswer"/> as one JSON line;</item>
/// <item>if the answer says <c>HasBody</c>, the body (plain text) follows until clusterd closes
/// the connection — so the status file of a million connections streams without being held
/// whole in either process.</item>
/// </list>
/// A request of another <see cref="Version"/> is refused with <see cref="ControlError.BadRequest"/>.
/// Changes need the caller to be root, checked with SO_PEERCRED; reading is open to all.
/// </remarks>
public static class ControlProtocol
{
    public const int Version = 1;
    public const int MaxRequestBytes = 64 * 1024;
    /// <summary>
    /// How long clusterd waits for the whole request line from a user other than root: clients send
    /// it at once, so a silent one is dropped soon and gives its connection slot back.
    /// </summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Root's request deadline: root cannot crowd itself out, and a command starting on a loaded machine may be slow to send.</summary>
    public static readonly TimeSpan RootRequestTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long a client waits to connect, and then for each read of the answer, unless CLUSTERD_TIMEOUT says otherwise.</summary>
    public static readonly TimeSpan DefaultClientTimeout = TimeSpan.FromSeconds(10);
    public const string TimeoutEnvironmentVariable = "CLUSTERD_TIMEOUT";

    public const string DefaultSocketPath = "/run/ip_cluster/clusterd.sock";
    public const string SocketEnvironmentVariable = "CLUSTERD_SOCKET";

    /// <summary>The socket a command should use: its option, else CLUSTERD_SOCKET, else the default.</summary>
    public static string SocketPath(string? option = null)
    {
        if (!string.IsNullOrEmpty(option)) return option;
        string? fromEnvironment = Environment.GetEnvironmentVariable(SocketEnvironmentVariable);
        return string.IsNullOrEmpty(fromEnvironment) ? DefaultSocketPath : fromEnvironment;
    }

    /// <summary>A health probe's deadline unless CLUSTERD_TIMEOUT says otherwise: a keepalived track script must not hang on a stuck daemon.</summary>
    public static readonly TimeSpan DefaultPingTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The client's patience: CLUSTERD_TIMEOUT (seconds, fractions allowed) when it is a positive number, else <paramref name="otherwise"/> (by default <see cref="DefaultClientTimeout"/>).</summary>
    public static TimeSpan ClientTimeout(TimeSpan? otherwise = null) =>
        double.TryParse(Environment.GetEnvironmentVariable(TimeoutEnvironmentVariable), System.Globalization.CultureInfo.InvariantCulture, out double seconds)
        && seconds > 0 && seconds < int.MaxValue / 1000
            ? TimeSpan.FromSeconds(seconds)
            : otherwise ?? DefaultClientTimeout;

    /// <summary>Ops that only read; everything else changes state and needs root.</summary>
    public static bool IsReadOnly(ControlRequest request) => request.Op switch
    {
        ControlOp.List or ControlOp.Status or ControlOp.Save or ControlOp.Rate or ControlOp.Ping => true,
        ControlOp.Firewall => request.Firewall?.IsReadOnly ?? true,
        _ => false,
    };
}
