using ClusterControl;

namespace Clconfig;

/// <summary>
/// clconfig -ping: the health probe for keepalived track scripts and routing daemons. Healthy means
/// clusterd answered within the deadline (1 s unless CLUSTERD_TIMEOUT says otherwise), its worker
/// threads are all going round, and — when a digest is expected — its configuration has that digest.
/// </summary>
public static class PingCommand
{
    public const int Healthy = 0, Unreachable = 1, Stalled = 3, OtherConfiguration = 4;

    public static int Run(string? expectedDigest)
    {
        PingAnswer? ping;
        try
        {
            using var client = ControlClient.Connect(ControlProtocol.SocketPath(), ControlProtocol.ClientTimeout(ControlProtocol.DefaultPingTimeout));
            var answer = client.Send(new ControlRequest { Op = ControlOp.Ping });
            if (!answer.Ok) return Fail(Unreachable, answer.Message ?? answer.Error.ToString()!);
            ping = answer.Ping;
        }
        catch (ControlUnreachableException e)
        {
            return Fail(Unreachable, e.Message);
        }
        if (ping is null) return Fail(Unreachable, "clusterd gave no ping answer (an older clusterd?)");
        if (!ping.Stalled.IsDefaultOrEmpty) return Fail(Stalled, $"clusterd is stalled: {string.Join(", ", ping.Stalled)} not going round");
        if (expectedDigest is not null && ping.Digest != expectedDigest)
            return Fail(OtherConfiguration, $"configuration digest {ping.Digest} is not the expected {expectedDigest}");
        Console.Out.WriteLine($"clusterd ok, configuration {ping.Digest}");
        return Healthy;
    }

    private static int Fail(int status, string message)
    {
        Console.Error.WriteLine("clconfig: " + TerminalText.Escape(message));
        return status;
    }
}
