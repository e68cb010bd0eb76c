using System.Text.RegularExpressions;
using TestSupport;

namespace Docs.Tests;

/// <summary>docs/ARCHITECTURE.md names what is in the code: its files and types exist, and its layers table is the layering test's.</summary>
public sealed partial class ArchitectureDocumentTests
{
    private static readonly string Document = File.ReadAllText(Path.Combine(Binaries.RepoRoot, "docs", "ARCHITECTURE.md"));

    private static readonly string[] SourceRoots = ["ClusterControl", "clusterd", "clconfig", "ipfwadm-cluster", "procfs-shim", "tests"];

    private static readonly List<string> Sources = [.. SourceRoots
        .SelectMany(root => Directory.EnumerateFiles(Path.Combine(Binaries.RepoRoot, root), "*.cs", SearchOption.AllDirectories))
        .Where(path => !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
        .Select(path => Path.GetRelativePath(Binaries.RepoRoot, path))];

    private static readonly Lazy<string> AllCode = new(() => string.Join("\n", Sources.Select(path => File.ReadAllText(Path.Combine(Binaries.RepoRoot, path)))));

    [Fact]
    public void EverySourceFileItNamesExists()
    {
        var missing = SourceFile().Matches(Document).Select(m => m.Groups[1].Value)
            .Where(named => !Sources.Any(path => path == named || path.EndsWith("/" + named, StringComparison.Ordinal)))
            .ToList();

        Assert.True(missing.Count == 0, "named but not found: " + string.Join(", ", missing));
    }

    [Fact]
    public void EveryTypeAndMemberItNamesIsInTheCode()
    {
        var missing = CodeName().Matches(Document).SelectMany(m => m.Groups[1].Value.Split('.'))
            .Distinct()
            .Where(name => !Regex.IsMatch(AllCode.Value, $@"\b{Regex.Escape(name)}\b"))
            .ToList();

        Assert.True(missing.Count == 0, "named but not in the code: " + string.Join(", ", missing));
    }

    [Fact]
    public void ItsLayersAreTheLayeringTestsLayers()
    {
        string test = File.ReadAllText(Path.Combine(Binaries.RepoRoot, "tests", "Clusterd.Tests", "Architecture", "LayeringTests.cs"));
        var documented = LayerRow().Matches(Document).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);
        var enforced = LayerEntry().Matches(test).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

        Assert.Equal(enforced, documented);
    }

    /// <summary>`Core/ClusterService.cs`, `WorkerLoop.cs`.</summary>
    [GeneratedRegex(@"`((?:[\w.-]+/)*[\w.-]+\.cs)`")]
    private static partial Regex SourceFile();

    /// <summary>`ClusterService`, `ClusterService.Change`: a capitalised identifier, perhaps dotted; not namespaces (`Clusterd.Core`).</summary>
    [GeneratedRegex(@"`(?!Clusterd\b)([A-Z][A-Za-z0-9]+(?:\.[A-Z][A-Za-z0-9]+)?)`")]
    private static partial Regex CodeName();

    [GeneratedRegex(@"^\| `(Clusterd[\w.]*)`", RegexOptions.Multiline)]
    private static partial Regex LayerRow();

    [GeneratedRegex(@"\[""(Clusterd[\w.]*)""\] =")]
    private static partial Regex LayerEntry();
}
