using Clusterd.Core;

namespace Clusterd.Tests.Architecture;

/// <summary>
/// The layers of clusterd and which may use which (docs/ARCHITECTURE.md, "Layers"). A layer is a
/// namespace and those below it, unless they are layers of their own. The core knows neither the
/// wire nor the kernel; the kernel adapters implement the core's interfaces; Program wires them.
/// </summary>
public sealed class LayeringTests
{
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Clusterd"] = [],                                          // Log, DaemonOptions: used by all
        ["Clusterd.State"] = ["Clusterd.Native"],                   // the configuration and its file (fsync of the directory)
        ["Clusterd.Scheduling"] = ["Clusterd.State"],
        ["Clusterd.Core"] = ["Clusterd.State", "Clusterd.Scheduling"],
        ["Clusterd.Firewall"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Kernel"], // rendering into nft, not netlink
        ["Clusterd.Status"] = ["Clusterd.Core", "Clusterd.State"],
        ["Clusterd.Control"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Scheduling", "Clusterd.Firewall", "Clusterd.Status"],
        ["Clusterd.Kernel"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Kernel.Netlink", "Clusterd.Native"],
        ["Clusterd.Kernel.Queue"] = ["Clusterd.Core", "Clusterd.Kernel.Netlink", "Clusterd.Native"],
        ["Clusterd.Kernel.Netlink"] = ["Clusterd.Core", "Clusterd.Native"],
        ["Clusterd.Native"] = [],
        ["Clusterd.Health"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Kernel"],   // probes; the kernel for the node marks only
        ["Clusterd.Workers"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Kernel", "Clusterd.Kernel.Queue", "Clusterd.Kernel.Netlink"],
        ["Clusterd.Metrics"] = ["Clusterd.Core", "Clusterd.State", "Clusterd.Workers"], // Prometheus: reads the core, hears the verdict loops
    };

    private static string LayerOf(string ns) =>
        MayUse.Keys.Where(layer => ns == layer || ns.StartsWith(layer + ".", StringComparison.Ordinal)).MaxBy(layer => layer.Length)
        ?? throw new InvalidOperationException($"namespace {ns} is in no layer: add it to {nameof(MayUse)} and docs/ARCHITECTURE.md");

    /// <summary>Every use of a clusterd type by another, as (user layer, used layer, user type, used type); Program (the composition root, global namespace) uses everything and is left out.</summary>
    private static IEnumerable<(string From, string To, Type User, Type Used)> Uses()
    {
        var assembly = typeof(ClusterService).Assembly;
        foreach (var user in assembly.GetTypes().Where(t => t.Namespace is not null))
            foreach (var used in TypeReferences.Of(user).Where(t => t.Assembly == assembly && t.Namespace is not null))
                yield return (LayerOf(user.Namespace!), LayerOf(used.Namespace!), user, used);
    }

    [Fact]
    public void EachLayerUsesOnlyTheLayersItMay()
    {
        var broken = Uses()
            .Where(use => use.From != use.To && use.To != "Clusterd" && !MayUse[use.From].Contains(use.To))
            .Select(use => $"{use.User.FullName} uses {use.Used.FullName}")
            .Distinct()
            .ToList();

        Assert.True(broken.Count == 0, string.Join("\n", broken));
    }

    [Fact]
    public void TheLayersHaveNoCycle()
    {
        var done = new HashSet<string>();
        void Visit(string layer, List<string> path)
        {
            Assert.False(path.Contains(layer), "cycle: " + string.Join(" -> ", path.Append(layer)));
            if (!done.Add(layer)) return;
            foreach (string used in MayUse[layer]) Visit(used, [.. path, layer]);
        }
        foreach (string layer in MayUse.Keys) Visit(layer, []);
    }

    [Theory]
    [InlineData("Clusterd.Core", new[] { "Clusterd.Control", "Clusterd.Kernel", "Clusterd.Kernel.Netlink", "Clusterd.Kernel.Queue", "Clusterd.Workers", "Clusterd.Status", "Clusterd.Firewall" })]
    [InlineData("Clusterd.State", new[] { "Clusterd.Core", "Clusterd.Control", "Clusterd.Kernel", "Clusterd.Kernel.Netlink", "Clusterd.Kernel.Queue" })]
    [InlineData("Clusterd.Scheduling", new[] { "Clusterd.Core", "Clusterd.Control", "Clusterd.Kernel", "Clusterd.Kernel.Netlink", "Clusterd.Kernel.Queue" })]
    [InlineData("Clusterd.Firewall", new[] { "Clusterd.Control", "Clusterd.Kernel.Netlink", "Clusterd.Kernel.Queue", "Clusterd.Workers", "Clusterd.Status" })]
    public void NeitherTheWireNorTheKernelLeaksInward(string layer, string[] forbidden)
    {
        Assert.DoesNotContain(MayUse[layer], forbidden.Contains);
        Assert.DoesNotContain(Uses(), use => use.From == layer && forbidden.Contains(use.To));
    }

    [Fact]
    public void TheScanSeesMethodBodies() =>
        Assert.Contains(Uses(), use => use.User == typeof(ClusterService) && use.Used == typeof(Scheduling.StaticNodePolicy)); // only ever named inside Schedule
}
