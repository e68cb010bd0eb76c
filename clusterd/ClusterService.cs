using ClusterControl;
using Clusterd.Control;
using Clusterd.Kernel;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Clusterd;

/// <summary>
/// The owner of all state: the configuration, the live load of every node, the scheduler.
/// Every change goes through <see cref="Change"/>, which builds the new configuration on the side,
/// has the kernel take it, saves it, and only then makes it current.
/// </summary>
public sealed class ClusterService(StateFile stateFile, IDataPlane dataPlane, ClusterConfig initial)
{
    private readonly Lock _gate = new();
    private readonly NodeLoads _loads = new();
    private readonly LeastLoadPolicy _leastLoad = new();
    private ClusterConfig _config = initial;

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
            dataPlane.Apply(_config, RetiredNodes(_config));
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
            try
            {
                dataPlane.Apply(next, RetiredNodes(next));
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
                dataPlane.Apply(_config, RetiredNodes(_config));
                throw new RefusedException(ControlError.Internal, $"cannot save {stateFile.Path}: {e.Message}");
            }
            _config = next;
            Log.DebugLevel = next.DebugLevel;
        }
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view of configuration and loads.</summary>
    public T Read<T>(Func<ClusterConfig, NodeLoads, T> read)
    {
        lock (_gate) return read(_config, _loads);
    }

    /// <summary>Chooses the node for a new connection and counts it; null when no node can take it.</summary>
    public NodeConfig? Schedule(string poolName, Ipv4Address? staticNode)
    {
        lock (_gate)
        {
            if (_config.FindPool(poolName) is not { } pool) return null;
            ISchedulingPolicy policy = staticNode is { } node ? new StaticNodePolicy(node, _leastLoad) : _leastLoad;
            var chosen = policy.Choose(pool, _loads);
            if (chosen is not null) _loads.Increment(chosen.Mark);
            return chosen;
        }
    }

    /// <summary>A connection on the node with this mark ended.</summary>
    public void ConnectionEnded(int mark)
    {
        lock (_gate)
        {
            bool wasRetired = IsRetired(mark);
            _loads.Decrement(mark);
            if (wasRetired && _loads[mark] == 0) dataPlane.Apply(_config, RetiredNodes(_config));
        }
    }

    /// <summary>Replaces all counts, from a conntrack dump at start.</summary>
    public void ResetLoads(IEnumerable<int> marksOfLiveConnections)
    {
        lock (_gate)
        {
            _loads.Clear();
            foreach (int mark in marksOfLiveConnections) _loads.Increment(mark);
        }
    }

    private bool IsRetired(int mark) => !_config.AllNodes.Any(n => n.Mark == mark);

    /// <summary>Busy marks that no configured node carries any more. Their pool and address are
    /// remembered from the configuration they were last seen in.</summary>
    private List<RetiredNode> RetiredNodes(ClusterConfig config)
    {
        foreach (var pool in _config.Pools)
            foreach (var node in pool.Nodes)
                _lastSeen[node.Mark] = new RetiredNode(node, pool.Name, pool.Forward);
        var retired = new List<RetiredNode>();
        var live = config.AllNodes.Select(n => n.Mark).ToHashSet();
        foreach (int mark in _loads.BusyMarks)
            if (!live.Contains(mark) && _lastSeen.TryGetValue(mark, out var node)) retired.Add(node);
        foreach (int mark in _lastSeen.Keys.Where(m => !live.Contains(m) && _loads[m] == 0).ToList())
            _lastSeen.Remove(mark);
        return retired;
    }

    private readonly Dictionary<int, RetiredNode> _lastSeen = [];
}
