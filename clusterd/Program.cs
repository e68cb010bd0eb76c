using System.Runtime.InteropServices;
using Clusterd;
using Clusterd.Control;
using Clusterd.Kernel;
using Clusterd.State;
using Clusterd.Status;

return DaemonOptions.Command(Run).Parse(args).Invoke();

static int Run(DaemonOptions options)
{
    using var stopping = new CancellationTokenSource();
    using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        stopping.Cancel();
    }

    try
    {
        var stateFile = new StateFile(options.StateDirectory);
        var config = stateFile.Load(out string? problem);
        if (problem is not null) Log.Error(problem);
        if (options.DebugLevel is { } level) config = config with { DebugLevel = level };

        using IDataPlane dataPlane = new NoDataPlane();
        var service = new ClusterService(stateFile, dataPlane, config);
        service.Start();
        stateFile.Save(service.Config);
        using var server = new ControlServer(options.SocketPath, new RequestHandler(service, new NoConnections()));
        server.Listen();
        Log.Info($"listening on {options.SocketPath}, state in {stateFile.Path}");
        server.RunAsync(stopping.Token).GetAwaiter().GetResult();
        Log.Info("stopping");
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or KernelRefusedException or System.Net.Sockets.SocketException)
    {
        Log.Error(e.Message);
        return 1;
    }
}
