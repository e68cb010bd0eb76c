using System.Net;
using System.Net.Sockets;
using ClusterControl;
using Clusterd.Core;
using Prometheus;

namespace Clusterd.Metrics;

/// <summary>
/// clusterd's metrics in the Prometheus text format at <c>http://ADDRESS:PORT/metrics</c>
/// (prometheus-net's stand-alone <see cref="MetricServer"/>). Verdicts are counted as they happen
/// (<see cref="QueueVerdictMetrics"/>); everything else is read when Prometheus scrapes: the nodes
/// from the core, the kernel's queue figures from /proc, the lost-event count from the event loop.
/// Metric names are in README.md and clusterd(8).
/// </summary>
public sealed class MetricsExporter : IDisposable
{
    private static readonly string[] NodeLabels = ["pool", "node"];

    /// <summary>Every state word a node can be in: one series each, 1 for the node's state, 0 for the others.</summary>
    private static IReadOnlyList<string> StateWords => ClusterWords.StateWords;

    /// <summary>10 µs to 1 s in 1-2.5-5 steps: a verdict takes tens of microseconds, a queue backed up behind a busy core milliseconds.</summary>
    private static readonly double[] LatencyBuckets = [10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 1];

    private readonly CollectorRegistry _registry = Prometheus.Metrics.NewCustomRegistry();
    private readonly MetricServer _server;
    private readonly IPEndPoint _listen;
    private readonly ClusterService _service;
    private readonly IQueueStatistics _kernelQueues;
    private readonly Func<long> _eventOverruns;
    private readonly HashSet<(string Pool, string Node)> _nodesShown = [];

    private readonly Gauge _active, _state, _cost, _waiting, _checkPassed, _probeSeconds;
    private readonly Counter _newConnections, _verdicts, _kernelDropped, _configChanges, _overruns, _packets;
    private readonly Histogram _latency;

    /// <param name="listen">Where to serve.</param>
    /// <param name="eventOverruns">How often conntrack events were lost so far.</param>
    public MetricsExporter(IPEndPoint listen, ClusterService service, IQueueStatistics kernelQueues, Func<long> eventOverruns)
    {
        _listen = listen;
        _service = service;
        _kernelQueues = kernelQueues;
        _eventOverruns = eventOverruns;
        var factory = Prometheus.Metrics.WithCustomRegistry(_registry);
        _active = factory.CreateGauge("ip_cluster_node_active_connections", "Connections the node holds now.", NodeLabels);
        _newConnections = factory.CreateCounter("ip_cluster_node_connections_total", "New connections scheduled to the node since clusterd started.", NodeLabels);
        _state = factory.CreateGauge("ip_cluster_node_state", "1 for the node's state, 0 for the other states.", [.. NodeLabels, "state"]);
        _checkPassed = factory.CreateGauge("ip_cluster_node_check_passed",
            "1 when the node's last health check result passed, 0 when it failed; only for checked nodes.", NodeLabels);
        _probeSeconds = factory.CreateGauge("ip_cluster_node_check_duration_seconds", "How long the node's last active health probe took.", NodeLabels);
        _cost = factory.CreateGauge("ip_cluster_node_cost", "The node's cost (clconfig -set ... cost N).", NodeLabels);
        _verdicts = factory.CreateCounter("ip_cluster_queue_verdicts_total",
            "First packets of new connections decided by clusterd: accepted to a node, or dropped when no node could take them.", "queue", "verdict");
        _latency = factory.CreateHistogram("ip_cluster_verdict_latency_seconds", "From the kernel receiving a first packet to clusterd's verdict.",
            new HistogramConfiguration { LabelNames = ["queue"], Buckets = LatencyBuckets });
        _kernelDropped = factory.CreateCounter("ip_cluster_queue_kernel_dropped_total",
            "Packets the kernel dropped before clusterd saw them: the queue was full, or clusterd's socket was.", "queue", "reason");
        _waiting = factory.CreateGauge("ip_cluster_queue_waiting_packets", "Packets in the queue waiting for a verdict now.", "queue");
        _packets = factory.CreateCounter("ip_cluster_packets_total",
            "Queued packets clusterd has seen, by kind (ordinary, truncated, fragment, ...; droppedNoNode: schedulable but no node could take it).", "kind");
        _configChanges = factory.CreateCounter("ip_cluster_config_changes_total", "Configuration changes applied since clusterd started.");
        _overruns = factory.CreateCounter("ip_cluster_conntrack_event_overruns_total",
            "Times the kernel dropped conntrack events (socket overrun); each is followed by a full recount of the connections.");
        _registry.AddBeforeCollectCallback(Collect);
        _server = new MetricServer(Hostname(listen.Address), listen.Port, "metrics/", _registry);
    }

    /// <summary>What the verdict loop of <paramref name="queue"/> reports to.</summary>
    public QueueVerdictMetrics VerdictsOf(int queue)
    {
        string label = queue.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new QueueVerdictMetrics(_verdicts.WithLabels(label, "accept"), _verdicts.WithLabels(label, "drop"), _latency.WithLabels(label));
    }

    /// <summary>Starts serving.</summary>
    /// <exception cref="IOException">The address cannot be bound (its port is in use, say).</exception>
    public void Start()
    {
        try
        {
            _server.Start();
        }
        catch (HttpListenerException e)
        {
            throw new IOException($"cannot serve metrics at {_listen}: {e.Message}", e);
        }
    }

    private void Collect()
    {
        var shown = new HashSet<(string, string)>();
        foreach (var node in _service.Activity())
        {
            string address = node.Node.Address.ToString();
            shown.Add((node.Pool, address));
            _active.WithLabels(node.Pool, address).Set(node.Active);
            _cost.WithLabels(node.Pool, address).Set(node.Node.Cost);
            var total = _newConnections.WithLabels(node.Pool, address);
            if (node.NewConnections < total.Value) total.Remove(); // the address was deleted and added again: a new node
            _newConnections.WithLabels(node.Pool, address).IncTo(node.NewConnections);
            string current = node.StateWord;
            foreach (string word in StateWords) _state.WithLabels(node.Pool, address, word).Set(word == current ? 1 : 0);
            CollectHealth(node, address);
        }
        foreach (var (pool, address) in _nodesShown.Except(shown)) Forget(pool, address);
        _nodesShown.Clear();
        _nodesShown.UnionWith(shown);

        foreach (var queue in _kernelQueues.Read())
        {
            string label = queue.Queue.ToString(System.Globalization.CultureInfo.InvariantCulture);
            _waiting.WithLabels(label).Set(queue.Waiting);
            _kernelDropped.WithLabels(label, "queue_full").IncTo(queue.QueueFull);
            _kernelDropped.WithLabels(label, "socket_full").IncTo(queue.SocketFull);
        }
        foreach (var (kind, count) in _service.Packets.Snapshot()) _packets.WithLabels(kind).IncTo(count);
        _configChanges.IncTo(_service.ConfigurationChanges);
        _overruns.IncTo(_eventOverruns());
    }

    /// <summary>The last check result and probe time of a node that has been checked; nothing for one never checked.</summary>
    private void CollectHealth(NodeActivity node, string address)
    {
        if (node.Health.LastCheck == default)
        {
            _checkPassed.RemoveLabelled(node.Pool, address);
            _probeSeconds.RemoveLabelled(node.Pool, address);
            return;
        }
        _checkPassed.WithLabels(node.Pool, address).Set(node.Health.LastPassed ? 1 : 0);
        if (node.Health.LastProbeTook is { } took) _probeSeconds.WithLabels(node.Pool, address).Set(took.TotalSeconds);
    }

    /// <summary>A node no longer configured: its series go.</summary>
    private void Forget(string pool, string address)
    {
        _active.RemoveLabelled(pool, address);
        _cost.RemoveLabelled(pool, address);
        _checkPassed.RemoveLabelled(pool, address);
        _probeSeconds.RemoveLabelled(pool, address);
        _newConnections.RemoveLabelled(pool, address);
        foreach (string word in StateWords) _state.RemoveLabelled(pool, address, word);
    }

    /// <summary>HttpListener's name for the address: "+" for any, IPv6 in brackets.</summary>
    private static string Hostname(IPAddress address) =>
        address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? "+"
        : address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]"
        : address.ToString();

    public void Dispose() => _server.Dispose();
}
