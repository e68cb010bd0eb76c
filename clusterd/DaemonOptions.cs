using System.CommandLine;
using System.Net;
using ClusterControl;

namespace Clusterd;

/// <summary>clusterd's command line.</summary>
public sealed record DaemonOptions(string SocketPath, string StateDirectory, int Queue, int Queues, int? DebugLevel, bool Cleanup, bool FailClosed)
{
    /// <summary>Where to serve Prometheus metrics (<c>--metrics ADDRESS:PORT</c>); null: not at all.</summary>
    public IPEndPoint? Metrics { get; init; }

    /// <summary>The queue threads' SCHED_FIFO priority (<c>--queue-priority</c>); null: scheduled as any thread.</summary>
    public int? QueuePriority { get; init; }

    /// <summary>An <c>ADDRESS:PORT</c> with a port (1..65535); IPv6 addresses in brackets.</summary>
    public static bool TryParseEndpoint(string text, out IPEndPoint? endpoint) =>
        IPEndPoint.TryParse(text, out endpoint) && endpoint.Port > 0 && text.EndsWith(":" + endpoint.Port, StringComparison.Ordinal);

    public const string DefaultStateDirectory = "/var/lib/ip_cluster";

    public static RootCommand Command(Func<DaemonOptions, int> run)
    {
        var socket = new Option<string>("--socket")
        {
            Description = "control socket path",
            DefaultValueFactory = _ => ControlProtocol.DefaultSocketPath,
        };
        var stateDir = new Option<string>("--state-dir")
        {
            Description = "directory of the saved configuration",
            DefaultValueFactory = _ => DefaultStateDirectory,
        };
        var queue = new Option<int>("--queue")
        {
            Description = "first NFQUEUE number to bind",
            DefaultValueFactory = _ => 0,
        };
        queue.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 65535) r.AddError("--queue must be 0..65535");
        });
        var queues = new Option<int>("--queues")
        {
            Description = "how many queues to bind from --queue on; new connections are spread over them by address hash",
            DefaultValueFactory = _ => 1,
        };
        queues.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 16) r.AddError("--queues must be 1..16");
        });
        var debug = new Option<int?>("--debug") { Description = "debug verbosity, 0 = off (overrides the saved level)" };
        debug.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 0 or > 9) r.AddError("--debug must be 0..9");
        });
        var cleanup = new Option<bool>("--cleanup")
        {
            Description = "remove what clusterd put into the kernel (table, routing rules, sysctls) and exit; clusterd must be stopped",
        };
        var metrics = new Option<string?>("--metrics") { Description = "serve Prometheus metrics at http://ADDRESS:PORT/metrics (off unless given)" };
        metrics.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !TryParseEndpoint(text, out _))
                r.AddError($"--metrics: bad address '{text}' (expected ADDRESS:PORT, as 127.0.0.1:9469)");
        });
        var failClosed = new Option<bool>("--fail-closed")
        {
            Description = "while clusterd is down or its queue is full, drop new connections instead of placing them by the kernel's flow hash",
        };
        var queuePriority = new Option<int?>("--queue-priority")
        {
            Description = "run the queue threads under SCHED_FIFO at this priority, so verdicts do not wait for other threads' time slices (off unless given)",
        };
        queuePriority.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 99) r.AddError("--queue-priority must be 1..99"); // SCHED_FIFO's range
        });
        var command = new RootCommand("clusterd - the ip_cluster front-end daemon") { socket, stateDir, queue, queues, debug, cleanup, metrics, failClosed, queuePriority };
        command.SetAction(result => run(new DaemonOptions(
            result.GetValue(socket)!, result.GetValue(stateDir)!, result.GetValue(queue), result.GetValue(queues), result.GetValue(debug),
            result.GetValue(cleanup), result.GetValue(failClosed))
        {
            Metrics = result.GetValue(metrics) is { } text && TryParseEndpoint(text, out var endpoint) ? endpoint : null,
            QueuePriority = result.GetValue(queuePriority),
        }));
        return command;
    }
}
