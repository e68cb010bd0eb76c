using System.Runtime.InteropServices;
using Clusterd;
using Clusterd.Control;
using Clusterd.Core;
using Clusterd.Firewall;
using Clusterd.Health;
using Clusterd.Kernel;
using Clusterd.Kernel.Netlink;
using Clusterd.Kernel.Nftables;
using Clusterd.Kernel.Queue;
using Clusterd.Metrics;
using Clusterd.State;
using Clusterd.Workers;

return DaemonOptions.Command(Run).Parse(args).Invoke();

static int Run(DaemonOptions options) => options.Cleanup ? Cleanup(options) : Serve(options);

static int Serve(DaemonOptions options)
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

        var interfaces = new KernelNetworkInterfaces();
        var conntrack = new KernelConntrack();
        using var dataPlane = new KernelDataPlane(new FirewallRendering(), interfaces,
            new QueueTargetRule((ushort)options.Queue, (ushort)options.Queues, bypass: !options.FailClosed), options.StateDirectory, options.FailClosed);
        var service = new ClusterService(stateFile, dataPlane, config);
        using var addresses = new AddressWatchLoop(service);
        service.Start();
        addresses.Start();
        stateFile.Save(service.Config);

        // The loop subscribes to conntrack's events as it is made, so what changes during the count
        // waits in its socket; it starts reading only once the count is in, so no event is applied
        // before the count that would replace it (a connection closing meanwhile would stay counted).
        using var ends = new ConnectionEndLoop(service, conntrack);
        long countStarted = Environment.TickCount64;
        ends.Resynchronise();
        ends.Start();
        using var expiry = new ExpiryRefreshLoop(service, conntrack, countStarted, countFinished: Environment.TickCount64);
        expiry.Start();
        var queueStatistics = new KernelQueueStatistics(options.Queue, options.Queues);
        using var metrics = options.Metrics is { } endpoint ? new MetricsExporter(endpoint, service, queueStatistics, () => ends.Overruns) : null;
        metrics?.Start();
        using var timestamps = metrics is null ? null : new ArrivalTimestamps(); // the latency histogram needs arrival times
        var verdictLoops = Enumerable.Range(options.Queue, options.Queues)
            .Select(q => new VerdictLoop(new NfQueue((ushort)q, failOpen: !options.FailClosed), service, metrics?.VerdictsOf(q), options.QueuePriority))
            .ToList();
        using var stopVerdicts = new DisposeAll(verdictLoops);
        verdictLoops.ForEach(loop => loop.Start());
        using var checks = new HealthChecker(service);
        checks.Start();

        var workerHealth = new WorkerHealth([addresses, ends, .. verdictLoops]);
        using var server = new ControlServer(options.SocketPath, new RequestHandler(service, conntrack, interfaces, queueStatistics, workerHealth));
        server.Listen();
        Log.Info($"listening on {options.SocketPath}, state in {stateFile.Path}, queues {options.Queue}..{options.Queue + options.Queues - 1}"
                 + (options.Metrics is { } served ? $", metrics at http://{served}/metrics" : ""));
        server.RunAsync(stopping.Token).GetAwaiter().GetResult();
        Log.Info("stopping");
        try
        {
            stateFile.SaveWhole(service.Config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.Warn($"cannot write {stateFile.Path} whole at the stop ({e.Message}); its journal holds the changes since");
        }
        return 0;
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException or KernelRefusedException
                                  or NetlinkException or System.Net.Sockets.SocketException)
    {
        Log.Error(e.Message);
        return 1;
    }
}

/// <summary>The explicit teardown: a stop leaves the kernel forwarding established connections; this ends that.</summary>
static int Cleanup(DaemonOptions options)
{
    try
    {
        using (ClusterControl.ControlClient.Connect(options.SocketPath))
        {
            Log.Error($"clusterd is running (it answers at {options.SocketPath}); stop it before --cleanup");
            return 1;
        }
    }
    catch (ClusterControl.ControlUnreachableException)
    {
    }
    try
    {
        KernelDataPlane.RemoveAll(options.StateDirectory);
        return 0;
    }
    catch (KernelRefusedException e)
    {
        Log.Error(e.Message);
        return 1;
    }
}

/// <summary>Disposes a group of things together, in reverse order.</summary>
sealed class DisposeAll(IReadOnlyList<IDisposable> items) : IDisposable
{
    public void Dispose()
    {
        for (int i = items.Count - 1; i >= 0; i--) items[i].Dispose();
    }
}
