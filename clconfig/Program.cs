using ClusterControl;
using Clconfig;

const int Refused = 1, BadUsage = 2;

try
{
    switch (CommandLine.Parse(args))
    {
        case Invocation.ShowHelp:
            Console.Out.Write(Usage.Text);
            return 0;
        case Invocation.Ping(var expectedDigest):
            return PingCommand.Run(expectedDigest);
        case Invocation.ShowVersion:
            Console.Out.WriteLine($"clconfig (ip_cluster) {typeof(ControlProtocol).Assembly.GetName().Version?.ToString(3)}");
            return 0;
        case Invocation.Watch(var pool):
            return LiveView.Run(pool, message => Fail(Refused, message));
        case Invocation.Send(var request):
            using (var client = ControlClient.Connect(ControlProtocol.SocketPath()))
            {
                var answer = client.Send(request);
                if (!answer.Ok) return Fail(Refused, answer.Message ?? answer.Error.ToString()!);
                if (answer.HasBody)
                {
                    using var stdout = Console.OpenStandardOutput();
                    client.CopyBodyTo(stdout);
                }
            }
            return 0;
        default:
            return Fail(BadUsage, "unsupported command");
    }
}
catch (UsageException e)
{
    return Fail(BadUsage, e.Message);
}
catch (ControlUnreachableException e)
{
    return Fail(Refused, e.Message);
}

// Messages echo words of the command line (and clusterd echoes what it was sent): escape controls.
static int Fail(int status, string message)
{
    Console.Error.WriteLine("clconfig: " + TerminalText.EscapeLine(message));
    return status;
}
