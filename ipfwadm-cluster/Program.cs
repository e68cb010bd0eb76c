using ClusterControl;
using ClusterControl.Firewall;
using Ipfwadm;

string program = InvokedName();
try
{
    var line = new OptionLoop(args, program).Run();
    if (line is null) return 0; // -h
    LineChecks.Run(line, program);
    var request = RequestBuilder.Build(line, program);
    if (line.Has('v'))
    {
        foreach (var rule in request.Rules) Console.Out.Write(VerboseLines.Rule(rule));
        foreach (var packet in request.Packets) Console.Out.Write(VerboseLines.Packet(packet));
    }
    var answer = Send(request, program);
    var listing = new Listing(line.Has('e'), line.Has('n'), line.Has('x'));
    switch (request.Command)
    {
        case FirewallCommand.List or FirewallCommand.ListAndZero:
            Console.Out.Write(listing.Chain(request.Chain, answer));
            break;
        case FirewallCommand.ListMasquerade:
            Console.Out.Write(listing.Masquerading(answer.Masqueraded));
            break;
        case FirewallCommand.Check:
            return CheckResults.Print(answer.Verdicts);
    }
    return 0;
}
catch (IpfwadmExit exit)
{
    Console.Out.Flush();
    Console.Error.Write(exit.Stderr);
    return exit.Status;
}

/// <summary>Sends the request to clusterd; refusals become the errors the 2.0 kernel caused.</summary>
static FirewallAnswer Send(FirewallRequest request, string program)
{
    try
    {
        using var client = ControlClient.Connect(ControlProtocol.SocketPath());
        var answer = client.Send(new ControlRequest { Op = ControlOp.Firewall, Firewall = request });
        return answer.Error switch
        {
            null => answer.Firewall ?? new FirewallAnswer(),
            ControlError.KernelRefused => throw IpfwadmExit.Setsockopt(answer.Message ?? "Invalid argument"),
            ControlError.PermissionDenied => throw NotRoot(request, program),
            _ => throw new IpfwadmExit(1, $"ipfwadm: {answer.Message}\n"),
        };
    }
    catch (ControlUnreachableException e)
    {
        throw new IpfwadmExit(1, $"ipfwadm: {e.Message}\n");
    }
}

/// <summary>
/// What the original printed when run by a user other than root: -lz opens the chain's /proc file
/// read/write (mode 0644) and cannot; everything else fails to create its raw socket.
/// </summary>
static IpfwadmExit NotRoot(FirewallRequest request, string program) => request.Command == FirewallCommand.ListAndZero
    ? new IpfwadmExit(1, $"{program}: cannot open file /proc/net/{ProcFile(request.Chain)}\n")
    : new IpfwadmExit(1, "ipfwadm: socket creation failed: Operation not permitted\n");

static string ProcFile(FirewallChain chain) => chain switch
{
    FirewallChain.Accounting => "ip_acct",
    FirewallChain.Input => "ip_input",
    FirewallChain.Output => "ip_output",
    _ => "ip_forward",
};

/// <summary>argv[0] exactly as typed (messages use it, as the original did), from the kernel's copy.</summary>
static string InvokedName()
{
    try
    {
        string commandLine = File.ReadAllText("/proc/self/cmdline");
        int end = commandLine.IndexOf('\0');
        return end > 0 ? commandLine[..end] : "ipfwadm";
    }
    catch (IOException)
    {
        return "ipfwadm";
    }
}
