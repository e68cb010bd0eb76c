using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Tests.Fakes;

/// <summary>
/// A data plane in memory: it records what it was asked to program, refuses on demand (as nft
/// would), and holds counters a test sets.
/// </summary>
public sealed class FakeDataPlane : IDataPlane
{
    /// <summary>The configurations applied, in order, each with the retired nodes it kept.</summary>
    public List<(ClusterConfig Config, IReadOnlyCollection<NodePlacement> Retired)> Applied { get; } = [];

    /// <summary>When set, <see cref="Apply"/> refuses every configuration it matches.</summary>
    public Func<ClusterConfig, bool>? Refuse { get; set; }

    /// <summary>
    /// A refusal comes part-way: the refused configuration is programmed (recorded) first, as when nft
    /// took the rules and then a route failed.
    /// </summary>
    public bool RefusePartWay { get; set; }

    public Dictionary<string, RuleCounter> CounterValues { get; } = [];

    public (ClusterConfig Config, IReadOnlyCollection<NodePlacement> Retired) Current => Applied[^1];

    /// <summary>The failed nodes the last configuration applied left out of the kernel's fallback.</summary>
    public IReadOnlySet<int> Failed { get; private set; } = new HashSet<int>();

    /// <summary>When set, <see cref="Apply"/> waits for it (a slow nft transaction), having set <see cref="Applying"/> first.</summary>
    public ManualResetEventSlim? Slow { get; set; }

    /// <summary>Set once a slowed <see cref="Apply"/> has begun.</summary>
    public ManualResetEventSlim Applying { get; } = new();

    public void Apply(ClusterConfig config, IReadOnlyCollection<NodePlacement> retired, IReadOnlySet<int> failed)
    {
        if (Slow is { } slow)
        {
            Applying.Set();
            slow.Wait();
        }
        bool refused = Refuse?.Invoke(config) == true;
        if (refused && !RefusePartWay) throw new KernelRefusedException("nftables refused the rules: test");
        Applied.Add((config, [.. retired]));
        Failed = failed.ToHashSet();
        if (refused) throw new KernelRefusedException("routing to the nodes: test");
    }

    public IReadOnlyDictionary<string, RuleCounter> Counters(IReadOnlyCollection<string> names, bool zero)
    {
        var read = names.Where(CounterValues.ContainsKey).ToDictionary(name => name, name => CounterValues[name]);
        if (zero) foreach (string name in read.Keys) CounterValues[name] = default;
        return read;
    }

    public void Dispose() { }
}
