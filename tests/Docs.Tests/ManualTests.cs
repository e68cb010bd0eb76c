using System.Text.RegularExpressions;
using TestSupport;

namespace Docs.Tests;

/// <summary>The manual pages: clean under mandoc's lint, readable with man, and true to the parsers.</summary>
public sealed partial class ManualTests
{
    private static string Page(string name) => Path.Combine(Binaries.RepoRoot, "man", name);

    public static TheoryData<string> Pages => ["clconfig.8", "clusterd.8", "ipfwadm-cluster.8", "procfs-shim.8", "ip_cluster.5", "ip_cluster-ha.7"];

    [Theory]
    [MemberData(nameof(Pages))]
    public void LintIsClean(string page)
    {
        var lint = CommandRunner.Run("mandoc", "-T", "lint", "-W", "warning", Page(page));
        Assert.True(lint.ExitCode == 0 && lint.Stdout == "" && lint.Stderr == "", lint.ToString());
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void ManRendersItWithEverySection(string page)
    {
        var man = CommandRunner.Run("man", ["-P", "cat", "-l", Page(page)], new Dictionary<string, string> { ["MANWIDTH"] = "100" });
        Assert.Equal(0, man.ExitCode);
        foreach (string section in new[] { "NAME", "DESCRIPTION", "FILES", "SEE ALSO" })
            Assert.Contains(section, man.Stdout);
        if (page.EndsWith(".8")) // commands; ip_cluster(5) describes files
            foreach (string section in new[] { "SYNOPSIS", "EXIT STATUS", "EXAMPLES" })
                Assert.Contains(section, man.Stdout);
    }

    /// <summary>The command words <c>clconfig -h</c> lists and those the page documents are the same.</summary>
    [Fact]
    public void ClconfigPageAndParserAgree()
    {
        var help = CommandRunner.Run(Binaries.Clconfig, "-h").Stdout;
        var accepted = CommandWord().Matches(help).Select(m => m.Groups[1].Value).ToHashSet();
        var documented = ItemFlags(Page("clconfig.8"));
        Assert.Equal(accepted.Order(), documented.Order());
        foreach (string word in accepted.Where(w => w is not ("-h" or "--help" or "--version")))
        {
            var run = CommandRunner.Run(Binaries.Clconfig, [word], new Dictionary<string, string> { ["CLUSTERD_SOCKET"] = "/nonexistent" });
            Assert.DoesNotContain("unknown command", run.Stderr);
        }
    }

    /// <summary>clusterd's options (from System.CommandLine's help) and its page agree.</summary>
    [Fact]
    public void ClusterdPageAndOptionsAgree()
    {
        var help = CommandRunner.Run(Binaries.Clusterd, "--help").Stdout;
        var accepted = LongOption().Matches(help).Select(m => m.Value).Where(o => o is not ("--help" or "--version")).ToHashSet();
        Assert.Equal(accepted.Order(), ItemFlags(Page("clusterd.8")).Order());
    }

    [Fact]
    public void ProcfsShimPageAndOptionsAgree()
    {
        var help = CommandRunner.Run(Binaries.ProcfsShim, "--help").Stdout;
        var accepted = LongOption().Matches(help).Select(m => m.Value).Where(o => o is not ("--help" or "--version")).ToHashSet();
        Assert.Equal(accepted.Order(), ItemFlags(Page("procfs-shim.8")).Order());
        Assert.Contains("exec", help);
    }

    /// <summary>Every option letter of ipfwadm's getopt string is documented, and the page documents no other.</summary>
    [Fact]
    public void IpfwadmPageAndGetoptAgree()
    {
        var letters = "AFIMOadilzfs:p:chP:S:D:V:W:bekmnort:vxy".Replace(":", "").Select(c => "-" + c).ToHashSet();
        var documented = ItemFlags(Page("ipfwadm-cluster.8"));
        Assert.Equal(letters.Order(), documented.Order());
        foreach (string letter in letters)
            Assert.DoesNotContain("invalid option", CommandRunner.Run(Binaries.Ipfwadm, [letter]).Stderr);
    }

    /// <summary>The flags a page documents as list items: ".It Fl x" (single dash) and ".It Fl Fl name".</summary>
    private static HashSet<string> ItemFlags(string page) =>
        File.ReadLines(page)
            .Select(line => ItemFlag().Match(line))
            .Where(m => m.Success)
            .Select(m => m.Groups["double"].Success ? "--" + m.Groups["name"].Value : "-" + m.Groups["name"].Value)
            .Concat(File.ReadLines(page).Select(line => ItemAlternative().Match(line)).Where(m => m.Success)
                .Select(m => (m.Groups["double"].Success ? "--" : "-") + m.Groups["name"].Value))
            .ToHashSet();

    [GeneratedRegex(@"^\.It Fl (?<double>Fl )?(?<name>[A-Za-z][A-Za-z-]*)")]
    private static partial Regex ItemFlag();

    /// <summary>".It Fl h , Fl Fl help": the second spelling of an item.</summary>
    [GeneratedRegex(@"^\.It Fl \w+ , Fl (?<double>Fl )?(?<name>\w+)")]
    private static partial Regex ItemAlternative();

    /// <summary>A command word of the usage lines: after "clconfig " at a line's start, or after "| " (-h | --help).</summary>
    [GeneratedRegex(@"(?:^\s+clconfig |\| )((?:-|--)[a-z]+)", RegexOptions.Multiline)]
    private static partial Regex CommandWord();

    [GeneratedRegex(@"--[a-z][a-z-]+")]
    private static partial Regex LongOption();
}
