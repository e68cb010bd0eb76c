using System.Text;

namespace Clusterd.Kernel.Nftables;

/// <summary>
/// What clusterd's table is to hold, besides the queue target: the statements declaring its chains
/// and maps, every rule of the chains it fills, in order (which of them are held in blocks,
/// <see cref="BlockLayout"/>), and the elements of its maps. The renderers write into it (<see cref="ClusterTable"/>, <see cref="FallbackRules"/>,
/// the firewall); <see cref="TableWriter"/> brings the kernel to it.
/// </summary>
public sealed class TableContents
{
    private readonly StringBuilder _declarations = new();
    private readonly StringBuilder _elements = new();
    private readonly HashSet<string> _inBlocks = [];
    private readonly List<string> _chains = [];
    private readonly Dictionary<string, List<string>> _rules = [];

    /// <summary>Statements that make the table's chains and maps exist, leaving alone any already there.</summary>
    public string Declarations => _declarations.ToString();

    /// <summary>Statements that empty and refill the maps.</summary>
    public string Elements => _elements.ToString();

    /// <summary>The chains whose every rule is here, in the order they were first named.</summary>
    public IReadOnlyList<string> Chains => _chains;

    public void Declare(string statements) => _declarations.Append(statements);

    /// <summary>Emptying and refilling the maps: <paramref name="statements"/> run whenever they change.</summary>
    public void FillMaps(string statements) => _elements.Append(statements);

    /// <summary>
    /// <paramref name="chain"/> holds exactly the rules given for it, none if none are; in blocks
    /// when <paramref name="inBlocks"/>, for a chain that may grow long.
    /// </summary>
    public void Fill(string chain, bool inBlocks = false)
    {
        if (inBlocks) _inBlocks.Add(chain);
        RulesFor(chain);
    }

    public bool InBlocks(string chain) => _inBlocks.Contains(chain);

    /// <summary>Appends <paramref name="rule"/> (an nft rule's text after its chain) to <paramref name="chain"/>.</summary>
    public void Rule(string chain, string rule) => RulesFor(chain).Add(rule);

    /// <summary>The rules given for <paramref name="chain"/> so far, the chain named if it was not: one look-up per rule.</summary>
    private List<string> RulesFor(string chain)
    {
        if (_rules.TryGetValue(chain, out var rules)) return rules;
        _rules[chain] = rules = [];
        _chains.Add(chain);
        return rules;
    }

    public IReadOnlyList<string> RulesOf(string chain) => _rules.TryGetValue(chain, out var rules) ? rules : [];

    /// <summary>
    /// The whole contents as one script that empties and refills every chain, none in blocks: what
    /// the tests hand to <c>nft -c</c>. Declarations come first, so that every jump and map a rule
    /// names exists when it is added.
    /// </summary>
    public string Script()
    {
        var script = new StringBuilder(_declarations.ToString());
        foreach (string chain in _chains) script.Append($"flush chain {ClusterTable.Qualified} {chain}\n");
        foreach (string chain in _chains)
            foreach (string rule in _rules[chain])
                script.Append(AddRule(chain)).Append(rule).Append('\n');
        script.Append(_elements);
        return script.ToString();
    }

    /// <summary>The start of a statement appending a rule to <paramref name="chain"/>.</summary>
    public static string AddRule(string chain) => $"add rule {ClusterTable.Qualified} {chain} ";
}
