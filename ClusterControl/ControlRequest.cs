using ClusterControl.Firewall;

namespace ClusterControl;

/// <summary>What a client asks clusterd to do. Only the fields its <see cref="Op"/> needs are set.</summary>
public sealed record ControlRequest
{
    public int Version { get; init; } = ControlProtocol.Version;
    public required ControlOp Op { get; init; }
    public string? Pool { get; init; }
    public Ipv4Address? Node { get; init; }
    public NodeState? State { get; init; }
    public int? Cost { get; init; }
    /// <summary>With <see cref="State"/> drain: seconds after which the node's remaining connections are ended; null: never.</summary>
    public int? DrainTimeout { get; init; }
    public ForwardMethod? Forward { get; init; }
    /// <summary>For Create and Scheduler: how the pool chooses nodes.</summary>
    public PoolScheduler? Scheduler { get; init; }
    public int? Level { get; init; }
    /// <summary>For List and Status: text (the status file's layout, the default) or JSON for monitoring tools.</summary>
    public OutputFormat Format { get; init; }
    /// <summary>Set by ipfwadm-cluster for <see cref="ControlOp.Firewall"/>.</summary>
    public FirewallRequest? Firewall { get; init; }
    /// <summary>For <see cref="ControlOp.Check"/>: the check to set; null with a <see cref="Node"/> returns the node to its pool's check.</summary>
    public HealthCheck? Check { get; init; }
    /// <summary>For <see cref="ControlOp.Sticky"/>: the pool's persistence; null turns it off.</summary>
    public Persistence? Sticky { get; init; }
    /// <summary>For <see cref="ControlOp.SlowStart"/>: the pool's slow start in seconds; null turns it off.</summary>
    public int? SlowStart { get; init; }
}

public enum ControlOp
{
    /// <summary>clconfig -add POOL ADDR [up|down|drain [timeout S]] [cost N]</summary>
    Add,
    /// <summary>clconfig -set POOL ADDR [up|down|drain [timeout S]] [cost N]</summary>
    Set,
    /// <summary>clconfig -del POOL ADDR</summary>
    Del,
    /// <summary>clconfig -list [POOL]; the answer body is the pool table.</summary>
    List,
    /// <summary>clconfig -create POOL [route|masq]</summary>
    Create,
    /// <summary>clconfig -forward POOL route|masq</summary>
    Forward,
    /// <summary>clconfig -destroy POOL</summary>
    Destroy,
    /// <summary>clconfig -debug N</summary>
    Debug,
    /// <summary>The whole status file, streamed in the answer body.</summary>
    Status,
    /// <summary>clconfig -save: the configuration as a replayable script of clconfig and ipfwadm lines.</summary>
    Save,
    /// <summary>An ipfwadm command; see <see cref="FirewallRequest"/>.</summary>
    Firewall,
    /// <summary>clconfig -rate [POOL]: new connections per second per node; as JSON, a <see cref="RateReport"/> (also what -watch reads).</summary>
    Rate,
    /// <summary>clconfig -check POOL [ADDR] KIND ...: a pool's health check, or one node's.</summary>
    Check,
    /// <summary>clconfig -scheduler POOL leastload|maglev</summary>
    Scheduler,
    /// <summary>clconfig -ping: a health probe; the answer carries a <see cref="PingAnswer"/>.</summary>
    Ping,
    /// <summary>clconfig -sticky POOL SECONDS [mask M] | 0 | none: the pool's persistence.</summary>
    Sticky,
    /// <summary>clconfig -slowstart POOL SECONDS | 0 | none: how long a node that comes back ramps up.</summary>
    SlowStart,
}

public enum OutputFormat { Text, Json }
