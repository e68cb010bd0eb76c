using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// The owner of all state: the configuration, the live connections and node loads, the scheduler.
/// Every change goes through <see cref="Change"/>, which builds the new configuration on the side,
/// has the kernel take it, saves it, and only then makes it current.
/// </summary>
public sealed class ClusterService(StateFile stateFile, IDataPlane dataPlane, ClusterConfig initial)
{
    private readonly Lock _gate = new();
    private readonly ConnectionTable _connections = new();
    private readonly LeastLoadPolicy _leastLoad = new();
    /// <summary>Every node seen in a configuration, by id, kept while its connections still flow.</summary>
    private readonly Dictionary<int, NodePlacement> _known = [];
    private ClusterConfig _config = initial;

    /// <summary>The queued packets seen, by kind; counted by the verdict threads, outside the state lock.</summary>
    public PacketCounters Packets { get; } = new();

    public ClusterConfig Config
    {
        get { lock (_gate) return _config; }
    }

    /// <summary>Programs the kernel for the loaded configuration; called once at start.</summary>
    public void Start()
    {
        lock (_gate)
        {
            Log.DebugLevel = _config.DebugLevel;
            Remember(_config);
            dataPlane.Apply(_config, Retired(_config));
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically: kernel, then disk, then memory.</summary>
    /// <exception cref="RefusedException">The change is invalid or the kernel refused it; nothing changed.</exception>
    public void Change(Func<ClusterConfig, ClusterConfig> change)
    {
        lock (_gate)
        {
            var next = change(_config);
            if (ReferenceEquals(next, _config)) return;
            Remember(next);
            try
            {
                dataPlane.Apply(next, Retired(next));
            }
            catch (KernelRefusedException e)
            {
                throw new RefusedException(ControlError.KernelRefused, e.Message);
            }
            try
            {
                stateFile.Save(next);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                dataPlane.Apply(_config, Retired(_config));
                throw new RefusedException(ControlError.Internal, $"cannot save {stateFile.Path}: {e.Message}");
            }
            _config = next;
            Log.DebugLevel = next.DebugLevel;
        }
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view of configuration and loads.</summary>
    public T Read<T>(Func<ClusterConfig, NodeLoads, T> read)
    {
        lock (_gate) return read(_config, _connections.Loads);
    }

    /// <summary>Kernel counters by counter name; <paramref name="zero"/> zeroes them as they are read.</summary>
    /// <remarks>Not under the state lock: reading counters touches no state, and the verdict loop must not wait on nft.</remarks>
    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero)
    {
        try
        {
            return dataPlane.Counters(names, zero);
        }
        catch (KernelRefusedException e)
        {
            throw new RefusedException(ControlError.KernelRefused, e.Message);
        }
    }

    /// <summary>
    /// Chooses the node for a new connection that cluster rule <paramref name="ruleId"/> matched,
    /// and counts it; null when the rule is gone or no node can take it.
    /// </summary>
    public NodeConfig? Schedule(int ruleId, Flow flow)
    {
        lock (_gate)
        {
            if (ClusterTarget.OfRule(_config, ruleId) is not { } target || _config.FindPool(target.Pool) is not { } pool)
                return null;
            ISchedulingPolicy policy = target.StaticNode is { } node ? new StaticNodePolicy(node, _leastLoad) : _leastLoad;
            var chosen = policy.Choose(pool, _connections.Loads);
            if (chosen is not null) _connections.Add(flow, chosen.Id, Environment.TickCount64);
            return chosen;
        }
    }

    /// <summary>
    /// What conntrack reported in one batch of events: a connection it holds counts as load,
    /// confirmed; one that closed or was destroyed no longer counts. One lock for the whole batch, as
    /// every scheduled connection brings an event and the verdicts wait on the same lock.
    /// </summary>
    public void ConnectionsChanged(IReadOnlyList<ConnectionChange> changes)
    {
        lock (_gate)
        {
            List<int>? emptied = null;
            foreach (var change in changes)
            {
                if (change.Opening) _connections.Opening(change.Flow, change.NodeId, Environment.TickCount64);
                else if (!change.Ended) _connections.Confirm(change.Flow, change.NodeId);
                else if (_connections.End(change.Flow) is { } id && _connections.Loads[id] == 0) (emptied ??= []).Add(id);
            }
            if (emptied is not null) ForgetIdleRetiredNodes(emptied);
        }
    }

    /// <summary>
    /// Scheduled connections conntrack never confirmed (the kernel dropped their first packet) stop
    /// counting. True when that ended a flood: the connection table shrank and left garbage behind.
    /// </summary>
    public bool ExpireUnconfirmed()
    {
        lock (_gate)
        {
            var expiry = _connections.ExpireUnconfirmed(Environment.TickCount64);
            if (expiry.Expired > 0) ForgetIdleRetiredNodes([.. _known.Keys]);
            return expiry.FloodEnded;
        }
    }

    /// <summary>Interfaces gained or lost addresses: -V rules follow the interfaces now holding theirs.</summary>
    public void InterfacesChanged()
    {
        lock (_gate)
        {
            try
            {
                dataPlane.InterfacesChanged(_config, Retired(_config));
            }
            catch (KernelRefusedException e)
            {
                Log.Error($"re-rendering for new interface addresses: {e.Message}");
            }
        }
    }

    /// <summary>Replaces all connections with those conntrack holds (at start, or after lost events).</summary>
    public void ResetConnections(IReadOnlyCollection<(Flow Flow, int NodeId)> live)
    {
        lock (_gate)
        {
            _connections.Reset(live);
            dataPlane.Apply(_config, Retired(_config));
        }
    }

    /// <summary>The held connections, oldest first, each with its node and pool.</summary>
    public List<(Flow Flow, NodePlacement Node)> Connections()
    {
        lock (_gate)
        {
            var held = _connections.OldestFirst();
            var placed = new List<(Flow, NodePlacement)>(held.Count);
            foreach (var (flow, id) in held)
                if (_known.TryGetValue(id, out var node)) placed.Add((flow, node));
            return placed;
        }
    }

    /// <summary>Deleted nodes among <paramref name="ids"/> whose last connection is gone: drop their paths.</summary>
    private void ForgetIdleRetiredNodes(IReadOnlyCollection<int> ids)
    {
        bool forgot = false;
        foreach (int id in ids)
            if (_connections.Loads[id] == 0 && !_config.AllNodes.Any(n => n.Id == id)) forgot |= _known.Remove(id);
        if (forgot) dataPlane.Apply(_config, Retired(_config));
    }

    private void Remember(ClusterConfig config)
    {
        foreach (var pool in config.Pools)
            foreach (var node in pool.Nodes)
                _known[node.Id] = new NodePlacement(node, pool.Name, pool.Forward);
    }

    /// <summary>Nodes no longer in <paramref name="config"/> whose connections still flow.</summary>
    private List<NodePlacement> Retired(ClusterConfig config)
    {
        var configured = config.AllNodes.Select(n => n.Id).ToHashSet();
        return _connections.Loads.BusyNodes
            .Where(id => !configured.Contains(id) && _known.ContainsKey(id))
            .Select(id => _known[id])
            .ToList();
    }
}
