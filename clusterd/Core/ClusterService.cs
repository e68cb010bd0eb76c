using System.Diagnostics;
using ClusterControl;
using Clusterd.Scheduling;
using Clusterd.State;

namespace Clusterd.Core;

/// <summary>
/// The owner of all state: the configuration, the live connections and node loads, the scheduler.
/// Every change goes through <see cref="Change"/>, which builds the new configuration on the side,
/// has the kernel take it, saves it, and only then makes it current.
/// </summary>
/// <remarks>
/// Two locks. The state lock (<c>_gate</c>) guards the state and is what every verdict takes, so it
/// is held for microseconds. The kernel lock (<c>_kernel</c>) puts the kernel's writers in a row: a
/// change, a health transition's fallback rules, a retired node's path going, interfaces changing.
/// It is always taken first, never while the state lock is held, and a kernel write — tens to
/// hundreds of milliseconds with thousands of rules — runs without the state lock wherever the
/// verdicts cannot tell the old kernel state from the new: a change that leaves every pool as it was
/// (firewall rules, policies, timeouts), or a write of the configuration in force. Only a change to
/// the pools holds the state lock while the kernel takes it, so that no verdict chooses a node whose
/// path is being changed.
/// </remarks>
public sealed class ClusterService(StateFile stateFile, IDataPlane dataPlane, ClusterConfig initial)
{
    private readonly Lock _gate = new();
    private readonly Lock _kernel = new();
    private readonly ConnectionTable _connections = new();
    /// <summary>Reused by <see cref="ConnectionsPage"/>, under the lock.</summary>
    private readonly List<(Flow Flow, int NodeId, long ExpiresAt)> _pageScratch = [];
    private readonly LeastLoadPolicy _leastLoad = new();
    private readonly HealthBook _health = new();
    private readonly UnansweredHandshakes _unanswered = new();
    private readonly MaglevPolicy _maglev = new();
    /// <summary>Every node seen in a configuration, by id, kept while its connections still flow.</summary>
    private readonly Dictionary<int, NodePlacement> _known = [];
    private readonly ConnectionRates _rates = new();
    private readonly DrainClock _drains = new();
    private readonly StickyClients _sticky = new();
    /// <summary>Connections to end, taken by the conntrack worker (<see cref="TakeEndings"/>), which deletes them outside the lock.</summary>
    private readonly List<NodeEnding> _endings = [];
    private readonly EndedHere _endedHere = new();
    private ClusterConfig _config = initial;
    /// <summary>A change the kernel is taking while the verdicts go on: its cluster rules may already tag packets.</summary>
    private ClusterConfig? _incoming;
    /// <summary>The kernel is behind the state (a node failed or recovered, a retired node's path may go): written once the state lock is let go.</summary>
    private bool _kernelStale;
    private long _configurationChanges;

    /// <summary>The user on whose behalf this thread's changes are made, named in the log lines of the changes.</summary>
    [ThreadStatic] private static uint? t_caller;

    /// <summary>Configuration changes made since clusterd started.</summary>
    public long ConfigurationChanges => Interlocked.Read(ref _configurationChanges);

    /// <summary>Whether any node is checked: only then are unanswered handshakes watched.</summary>
    private bool _anyChecks = AnyChecks(initial);

    /// <summary>The queued packets seen, by kind; counted by the verdict threads, outside the state lock.</summary>
    public PacketCounters Packets { get; } = new();

    public ClusterConfig Config
    {
        get { lock (_gate) return _config; }
    }

    /// <summary>Programs the kernel for the loaded configuration; called once at start.</summary>
    public void Start()
    {
        lock (_kernel)
        lock (_gate)
        {
            Log.DebugLevel = _config.DebugLevel;
            Remember(_config);
            Write(KernelStateOf(_config));
            _maglev.Rebuild(_config, _connections.Loads);
            _drains.Follow(ClusterConfig.Initial, _config, Environment.TickCount64, _endings); // a drain's timeout counts from the start
        }
    }

    /// <summary>Applies <paramref name="change"/> atomically: kernel, then disk, then memory.</summary>
    /// <exception cref="RefusedException">The change is invalid, the kernel refused it (<see cref="KernelRefusedException"/>)
    /// or it could not be saved; nothing changed.</exception>
    public void Change(Func<ClusterConfig, ClusterConfig> change)
    {
        lock (_kernel)
        {
            KernelState next;
            bool poolsChange;
            lock (_gate)
            {
                var config = change(_config);
                if (ReferenceEquals(config, _config)) return;
                Remember(config);
                next = KernelStateOf(config);
                poolsChange = !ReferenceEquals(config.Pools, _config.Pools);
                if (poolsChange)
                {
                    TakeAndSave(next); // the verdicts wait: they choose by the pools
                    Commit(config);
                }
                else _incoming = config;
            }
            if (!poolsChange) TakeAndSaveBesideTheVerdicts(next);
        }
        ProgramIfStale();
    }

    /// <summary>
    /// <see cref="TakeAndSave"/> without the state lock, for a change whose pools are those in force:
    /// the verdicts choose as before, and find the change's cluster rules in <see cref="_incoming"/>
    /// from the moment the kernel may tag packets with them.
    /// </summary>
    private void TakeAndSaveBesideTheVerdicts(KernelState next)
    {
        try
        {
            TakeAndSave(next);
        }
        catch
        {
            lock (_gate) _incoming = null;
            throw;
        }
        lock (_gate)
        {
            Commit(next.Config);
            _incoming = null; // in the same hold: a packet its rules tagged always finds them
        }
    }

    /// <summary>Has the kernel take <paramref name="next"/> and saves its configuration; on a refusal or a failed save, puts the kernel back to the configuration in force.</summary>
    private void TakeAndSave(KernelState next)
    {
        try
        {
            Write(next);
            long started = Stopwatch.GetTimestamp();
            stateFile.Save(next.Config);
            Log.Debug(1, $"change saved in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1} ms");
        }
        catch (KernelRefusedException e)
        {
            Log.Warn($"{Caller()}the kernel refused a change: {e.Message}");
            PutKernelBack(); // a refusal part-way (nft took the rules, a route failed) leaves nothing behind
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            PutKernelBack();
            throw new RefusedException(ControlError.Internal, $"cannot save {stateFile.Path}: {e.Message}");
        }
    }

    /// <summary>Makes <paramref name="next"/>, which the kernel holds and the disk keeps, the configuration in force. Under the state lock.</summary>
    private void Commit(ClusterConfig next)
    {
        foreach (string line in ConfigurationDiff.Describe(_config, next)) Log.Notice(Caller() + line);
        _drains.Follow(_config, next, Environment.TickCount64, _endings);
        SlowStartComebacks(_config, next, Environment.TickCount64);
        _config = next;
        _sticky.KeepOnly(next.Pools.Where(p => p.Sticky is not null).Select(p => p.Name).ToHashSet());
        _anyChecks = AnyChecks(next);
        Log.DebugLevel = next.DebugLevel;
        var released = _health.ForgetUnchecked(next);
        foreach (int id in released) _connections.Loads.SetFailed(id, false);
        if (released.Count > 0) _kernelStale = true; // the fallback takes the released nodes back
        _maglev.Rebuild(next, _connections.Loads);
        Interlocked.Increment(ref _configurationChanges);
    }

    /// <summary>
    /// Names <paramref name="uid"/> as the caller of the changes this thread makes until the scope is
    /// disposed: the control server handles each request on one thread, start to end.
    /// </summary>
    public static CallerScope ActingFor(uint uid)
    {
        var outer = t_caller;
        t_caller = uid;
        return new CallerScope(outer);
    }

    private static string Caller() => t_caller is { } uid ? $"uid {uid}: " : "";

    /// <summary>Restores the caller named before <see cref="ActingFor"/>.</summary>
    public readonly struct CallerScope(uint? outer) : IDisposable
    {
        public void Dispose() => t_caller = outer;
    }

    /// <summary>Every configured node (of <paramref name="onlyPool"/>, when given) with its connections and their rate.</summary>
    public List<NodeActivity> Activity(string? onlyPool = null)
    {
        lock (_gate)
        {
            long now = Environment.TickCount64;
            _rates.Sample(now);
            return _config.Pools
                .Where(p => onlyPool is null || p.Name == onlyPool)
                .SelectMany(p => p.Nodes.Select(n => new NodeActivity(p.Name, n, _health[n.Id], _connections.Loads[n.Id], _rates.Total(n.Id), _rates.PerSecond(n.Id, now))))
                .ToList();
        }
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view of configuration and loads.</summary>
    public T Read<T>(Func<ClusterConfig, NodeLoads, T> read)
    {
        lock (_gate) return read(_config, _connections.Loads);
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view of configuration, loads and node health.</summary>
    public T Read<T>(Func<ClusterConfig, NodeLoads, HealthBook, T> read)
    {
        lock (_gate) return read(_config, _connections.Loads, _health);
    }

    /// <summary>Whether <paramref name="node"/> takes new connections now: up, and not failed by its health checks.</summary>
    public bool TakesNewConnections(NodeConfig node)
    {
        lock (_gate) return _connections.Loads.TakesNew(node);
    }

    /// <summary>
    /// One health check result for node <paramref name="nodeId"/>, counted against the rise and fall
    /// of the check that applies to it now. Ignored for a node that is gone, down (the operator's
    /// call stands) or no longer checked.
    /// </summary>
    /// <param name="took">How long the probe took.</param>
    public void CheckResult(int nodeId, bool passed, string detail, TimeSpan? took = null)
    {
        lock (_gate) RecordCheck(nodeId, passed, detail, took);
        ProgramIfStale();
    }

    /// <summary>
    /// <see cref="CheckResult"/> under the lock; also what a connection failing at the handshake counts
    /// as (passive checking). A transition leaves the kernel's fallback stale: the caller programs it
    /// once it has let the lock go (<see cref="ProgramIfStale"/>).
    /// </summary>
    private void RecordCheck(int nodeId, bool passed, string detail, TimeSpan? took = null)
    {
        foreach (var pool in _config.Pools)
        {
            if (pool.Nodes.Find(n => n.Id == nodeId) is not { } node) continue;
            if (node.State != NodeState.Up || pool.CheckOf(node) is not { } check) return;
            if (!_health.Record(nodeId, passed, detail, check.Rise, check.Fall, DateTime.UtcNow, took)) return;
            bool failed = _health[nodeId].Failed;
            _connections.Loads.SetFailed(nodeId, failed);
            if (!failed && pool.SlowStart is { } seconds) _connections.Loads.StartRamp(nodeId, Environment.TickCount64, seconds * 1000L);
            if (failed) _endings.Add(new NodeEnding(nodeId, UdpOnly: true, $"node {node.Address} of {pool.Name} failed"));
            Log.Info(failed
                ? $"node {node.Address} of {pool.Name} failed its {check.Kind.Word()} check: {detail}"
                : $"node {node.Address} of {pool.Name} passed its {check.Kind.Word()} check again: {detail}");
            _kernelStale = true;
            return;
        }
    }

    /// <summary>Kernel counters by counter name; <paramref name="zero"/> zeroes them as they are read.</summary>
    /// <remarks>Not under the state lock: reading counters touches no state, and the verdict loop must not wait on nft.</remarks>
    /// <exception cref="KernelRefusedException">The counters could not be read.</exception>
    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero) =>
        dataPlane.Counters(names, zero);

    /// <summary>
    /// Chooses the node for a new connection that cluster rule <paramref name="ruleId"/> matched,
    /// and counts it; null when the rule is gone or no node can take it. A rule of a change the
    /// kernel is taking may already tag packets: it is found in that change, whose pools are the
    /// ones in force.
    /// </summary>
    /// <param name="midStream">
    /// The packet is TCP without SYN (<see cref="PacketKind.MidStream"/>): the connection began
    /// through another front-end, whose conntrackd has not committed it here yet. Only a choice
    /// every front-end makes alike finds its node (<see cref="ISchedulingPolicy.ChoosesByFlowAlone"/>;
    /// a sticky pool's memory is this front-end's); otherwise none is made, the packet is dropped,
    /// and its retransmission finds the committed entry — where a guess would send it to a node
    /// that answers with a reset. That reset is wanted for a connection clusterd ended itself
    /// (<see cref="EndedHere"/>): its packet is scheduled.
    /// </param>
    public NodeConfig? Schedule(int ruleId, Flow flow, bool midStream = false)
    {
        lock (_gate)
        {
            var found = ClusterTarget.OfRule(_config, ruleId) ?? (_incoming is { } incoming ? ClusterTarget.OfRule(incoming, ruleId) : null);
            if (found is not { } target || _config.FindPool(target.Pool) is not { } pool)
                return null;
            ISchedulingPolicy poolPolicy = pool.Scheduler == PoolScheduler.Maglev ? _maglev : _leastLoad;
            ISchedulingPolicy policy = target.StaticNode is { } node ? new StaticNodePolicy(node, poolPolicy) : poolPolicy;
            var sticky = target.StaticNode is null ? pool.Sticky : null;
            if (midStream && !_endedHere.Take(flow) && (sticky is not null || !policy.ChoosesByFlowAlone(pool, _connections.Loads))) return null;
            long now = Environment.TickCount64;
            _connections.Loads.NowMs = now;
            ulong flowHash = flow.StableHash();
            var chosen = sticky is not null
                ? StickyChoice(pool, sticky, flow.Source, policy, flowHash, now)
                : policy.Choose(pool, _connections.Loads, flowHash);
            if (chosen is not null && _connections.Add(flow, chosen.Id, now))
                _rates.Count(chosen.Id); // a retransmitted first packet is no new connection
            return chosen;
        }
    }

    /// <summary>
    /// For a sticky pool: the node <paramref name="client"/> used last while it takes new
    /// connections (a failed, drained or down node releases its clients), else the policy's choice,
    /// remembered either way.
    /// </summary>
    private NodeConfig? StickyChoice(PoolConfig pool, Persistence sticky, Ipv4Address client, ISchedulingPolicy policy, ulong flowHash, long now)
    {
        var chosen = _sticky.NodeOf(pool.Name, sticky, client, now) is { } id && pool.Nodes.Find(n => n.Id == id) is { } last && _connections.Loads.TakesNew(last)
            ? last
            : policy.Choose(pool, _connections.Loads, flowHash);
        if (chosen is not null) _sticky.Remember(pool.Name, sticky, client, chosen.Id, now);
        return chosen;
    }

    /// <summary>
    /// What conntrack reported in one batch of events: a connection it holds counts as load,
    /// confirmed; one that closed or was destroyed no longer counts; one that ended at the handshake
    /// counts as a failed check of its node, and one whose SYN is unanswered is watched (in pools
    /// with checks only, so the verdicts of unchecked pools pay nothing). One lock for the whole batch, as
    /// every scheduled connection brings an event and the verdicts wait on the same lock.
    /// </summary>
    public void ConnectionsChanged(ReadOnlySpan<ConnectionChange> changes)
    {
        lock (_gate)
        {
            List<int>? emptied = null;
            long now = Environment.TickCount64;
            foreach (var change in changes)
            {
                if (_anyChecks)
                {
                    if (change.AwaitsReply) _unanswered.Watch(change.Flow, change.NodeId, now);
                    else _unanswered.Forget(change.Flow);
                }
                if (change.Opening) _connections.Opening(change.Flow, change.NodeId, now, ExpiresAt(now, change.TimeoutSeconds));
                else if (!change.Ended) _connections.Confirm(change.Flow, change.NodeId, ExpiresAt(now, change.TimeoutSeconds));
                else if (_connections.End(change.Flow) is { } id)
                {
                    if (change.HandshakeFailed) RecordCheck(id, passed: false, $"connection from {change.Flow.Source}:{change.Flow.SourcePort} failed at the handshake");
                    if (_connections.Loads[id] == 0) (emptied ??= []).Add(id);
                }
            }
            if (emptied is not null) ForgetIdleRetiredNodes(emptied);
        }
        ProgramIfStale();
    }

    /// <summary>
    /// Scheduled connections conntrack never confirmed (the kernel dropped their first packet) stop
    /// counting; connections to checked nodes whose SYN has waited too long for an answer count as
    /// failed checks. True when that ended a flood: the connection table shrank and left garbage behind.
    /// </summary>
    public bool ExpireUnconfirmed()
    {
        ConnectionTable.Expiry expiry;
        lock (_gate)
        {
            long now = Environment.TickCount64;
            while (_unanswered.TryTakeOverdue(now, out int id, out var flow))
                RecordCheck(id, passed: false, $"no answer to the SYN from {flow.Source}:{flow.SourcePort} within {UnansweredHandshakes.Patience} ms");
            expiry = _connections.ExpireUnconfirmed(now);
            _rates.Sample(now); // called every quarter second at least: the rates' clock
            if (expiry.Expired > 0) ForgetIdleRetiredNodes([.. _known.Keys]);
        }
        ProgramIfStale();
        return expiry.FloodEnded;
    }

    /// <summary>The conntrack worker deleted the entries of <paramref name="flows"/> as ordered (<see cref="TakeEndings"/>).</summary>
    public void Ended(IReadOnlyCollection<Flow> flows)
    {
        lock (_gate) _endedHere.Add(flows);
    }

    /// <summary>
    /// The connections to end now, taken once: UDP flows of nodes drained (without a timeout),
    /// failed or deleted since the last call, and every connection of drained nodes whose timeout
    /// has passed by <paramref name="nowMs"/> (<see cref="Environment.TickCount64"/>).
    /// </summary>
    public IReadOnlyList<NodeEnding> TakeEndings(long nowMs)
    {
        lock (_gate)
        {
            _drains.Expire(_config, nowMs, _endings);
            if (_endings.Count == 0) return [];
            NodeEnding[] taken = [.. _endings];
            _endings.Clear();
            return taken;
        }
    }

    /// <summary>Interfaces gained or lost addresses: -V rules follow the interfaces now holding theirs (the rules are applied again, and the data plane writes what that changes).</summary>
    /// <exception cref="KernelRefusedException">The kernel refused the new rules; the old ones stay (the worker logs it).</exception>
    public void InterfacesChanged()
    {
        lock (_kernel)
        {
            var inForce = InForce();
            dataPlane.Apply(inForce.Config, inForce.Retired, inForce.Failed);
        }
    }

    /// <summary>Replaces all connections with those conntrack holds (at start, or after lost events).</summary>
    public void ResetConnections(IReadOnlyCollection<TrackedConnection> live)
    {
        lock (_gate)
        {
            long now = Environment.TickCount64;
            _connections.Reset(live.Count, live.Select(c => (c.Flow, c.NodeId, ExpiresAt(now, c.TimeoutSeconds))));
            _kernelStale = true; // the retired nodes' paths follow the connections counted
        }
        ProgramIfStale();
    }

    /// <summary>A part of a conntrack dump: when the held connections in it expire now (traffic moves that on without an event).</summary>
    public void RefreshExpiry(IReadOnlyList<TrackedConnection> dumped)
    {
        lock (_gate)
        {
            long now = Environment.TickCount64;
            foreach (var connection in dumped) _connections.Refresh(connection.Flow, ExpiresAt(now, connection.TimeoutSeconds));
        }
    }

    /// <summary>A dump of every live clustered entry begins; the connections it refreshes answer its roll call (<see cref="ConnectionTable.StartRollCall"/>).</summary>
    public void StartRollCall()
    {
        lock (_gate) _connections.StartRollCall();
    }

    /// <summary>
    /// After a whole dump: the connections neither it nor the one before found live stop counting
    /// (<see cref="ConnectionTable.EndAbsent"/>) — their end was missed. One short hold of the lock
    /// per page, as for a reader. Returns how many ended.
    /// </summary>
    public int EndAbsent()
    {
        const int Room = 4096;
        var ended = new List<int>();
        long after = 0, last;
        lock (_gate) last = _connections.LastSequence;
        int count = 0;
        while (after < last)
        {
            lock (_gate)
            {
                ended.Clear();
                after = _connections.EndAbsent(after, last, Room, ended);
                count += ended.Count;
                if (ended.Count > 0) ForgetIdleRetiredNodes(ended);
            }
        }
        ProgramIfStale();
        return count;
    }

    /// <summary>Conntrack's timeouts are whole seconds left, counted from <paramref name="now"/> (<see cref="Environment.TickCount64"/>).</summary>
    private static long ExpiresAt(long now, uint timeoutSeconds) => now + timeoutSeconds * 1000L;

    /// <summary>The sequence number of the newest held connection: where a reading of them all ends (<see cref="ConnectionsPage"/>).</summary>
    public long LastConnection
    {
        get { lock (_gate) return _connections.LastSequence; }
    }

    /// <summary>
    /// One page of the held connections, oldest first, each with its node and pool and when conntrack
    /// expires it (<see cref="Environment.TickCount64"/>; <see cref="ConnectionTable.Unknown"/>): see
    /// <see cref="ConnectionTable.Page"/>. One short hold of the lock per page, so a reader of a
    /// million connections never holds up the verdicts for long.
    /// </summary>
    public long ConnectionsPage(long after, long last, List<HeldConnection> page, int room)
    {
        lock (_gate)
        {
            _pageScratch.Clear();
            long next = _connections.Page(after, last, _pageScratch, room);
            foreach (var (flow, id, expiresAt) in _pageScratch)
                if (_known.TryGetValue(id, out var node)) page.Add(new HeldConnection(flow, node, expiresAt));
            return next;
        }
    }

    /// <summary>
    /// After a change failed part-way: the kernel is given the configuration in force again. Should it
    /// refuse even that, the change's own refusal is still what the caller hears; this is logged.
    /// </summary>
    private void PutKernelBack()
    {
        try
        {
            Write(InForce());
        }
        catch (KernelRefusedException e)
        {
            Log.Error($"cannot put the kernel back to the configuration in force: {e.Message}");
        }
    }

    /// <summary>Deleted nodes among <paramref name="ids"/> whose last connection is gone: their paths go (<see cref="ProgramIfStale"/>).</summary>
    private void ForgetIdleRetiredNodes(IReadOnlyCollection<int> ids)
    {
        foreach (int id in ids)
            if (_connections.Loads[id] == 0 && !_config.AllNodes.Any(n => n.Id == id)) _kernelStale |= _known.Remove(id);
    }

    /// <summary>
    /// Nodes of slow-start pools that come back in this change — added up, or set up from down or
    /// drain — ramp up from now; nodes of pools whose slow start was turned off stop ramping.
    /// (A node recovered from failed starts its ramp in <see cref="RecordCheck"/>.)
    /// </summary>
    private void SlowStartComebacks(ClusterConfig old, ClusterConfig next, long now)
    {
        var before = old.AllNodes.ToDictionary(n => n.Id);
        foreach (var pool in next.Pools)
            foreach (var node in pool.Nodes)
            {
                if (pool.SlowStart is not { } seconds) _connections.Loads.EndRamp(node.Id);
                else if (node.State == NodeState.Up && (!before.TryGetValue(node.Id, out var was) || was.State != NodeState.Up))
                    _connections.Loads.StartRamp(node.Id, now, seconds * 1000L);
            }
    }

    private static bool AnyChecks(ClusterConfig config) =>
        config.Pools.Any(pool => pool.Nodes.Any(node => pool.CheckOf(node) is not null));

    private void Remember(ClusterConfig config)
    {
        foreach (var pool in config.Pools)
            foreach (var node in pool.Nodes)
                _known[node.Id] = new NodePlacement(node, pool.Name, pool.Forward);
    }

    /// <summary>
    /// Writes the configuration in force to the kernel again when the state left it behind (a node
    /// failed or recovered: the fallback hash; a retired node's last connection went: its path).
    /// Called with neither lock held; the kernel write runs without the state lock, as the verdicts
    /// choose exactly as before it. A refusal is logged, not thrown: the state stands, and the next
    /// change programs it again.
    /// </summary>
    private void ProgramIfStale()
    {
        if (!Volatile.Read(ref _kernelStale)) return;
        lock (_kernel)
        {
            KernelState inForce;
            lock (_gate)
            {
                if (!_kernelStale) return;
                _kernelStale = false;
                inForce = InForce();
            }
            try
            {
                Write(inForce);
            }
            catch (KernelRefusedException e)
            {
                Log.Warn($"the kernel refused the rules of the configuration in force: {e.Message}");
            }
        }
    }

    /// <summary>
    /// What the kernel is given: a configuration, the retired nodes whose paths stay, and the failed
    /// nodes its fallback leaves out; taken under the state lock, so it can be written without it.
    /// </summary>
    private readonly record struct KernelState(ClusterConfig Config, IReadOnlyCollection<NodePlacement> Retired, IReadOnlySet<int> Failed);

    private KernelState KernelStateOf(ClusterConfig config) => new(config, Retired(config), _connections.Loads.Failed.ToHashSet());

    /// <summary>The configuration in force as the kernel is to hold it, read under the state lock.</summary>
    private KernelState InForce()
    {
        lock (_gate) return KernelStateOf(_config);
    }

    /// <summary>Has the kernel take <paramref name="state"/> (all or nothing, <see cref="IDataPlane.Apply"/>). Under the kernel lock.</summary>
    private void Write(KernelState state) => dataPlane.Apply(state.Config, state.Retired, state.Failed);

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
