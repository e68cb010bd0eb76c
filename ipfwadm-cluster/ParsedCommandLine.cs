using ClusterControl;
using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>Everything the option loop collected, before the checks that need the whole line.</summary>
public sealed class ParsedCommandLine
{
    /// <summary>A, F, I, O or M.</summary>
    public char? Category { get; set; }
    public AccountingDirection Direction { get; set; }
    /// <summary>a, i, d, l, z, f, p, c or s; -l with -z is <see cref="ListAndZero"/>.</summary>
    public char? Command { get; set; }
    public bool ListAndZero { get; set; }
    /// <summary>The policy word of -a/-i/-d or the argument of -p, when one was given.</summary>
    public RulePolicy? Policy { get; set; }
    /// <summary>The option letters seen (each may appear once), -m included when the policy was masquerade.</summary>
    public HashSet<char> Options { get; } = [];
    public RuleProtocol Protocol { get; set; }
    public SideWords Source { get; } = new();
    public SideWords Destination { get; } = new();
    public Ipv4Address InterfaceAddress { get; set; }
    public string Interface { get; set; } = "";
    public string? RedirectPortWord { get; set; }
    public byte TosAnd { get; set; } = 0xff;
    public byte TosXor { get; set; }
    public MasqueradeTimeouts? Timeouts { get; set; }
    public IReadOnlyList<string> Strays { get; set; } = [];

    public bool Has(char option) => Options.Contains(option);

    /// <summary>-a, -i or -d: the commands that carry rules.</summary>
    public bool EditsRules => Command is 'a' or 'i' or 'd';

    /// <summary>-l, -f, -z or -p: the commands that take no packet description.</summary>
    public bool TakesNoRule => Command is 'l' or 'f' or 'z' or 'p';
}

/// <summary>The words of -S or -D: the address and the port words, as typed; a side allows one range.</summary>
public sealed class SideWords
{
    public string? Address { get; set; }
    public List<string> Ports { get; } = [];
    public bool HasRange { get; set; }

    /// <summary>A range counts as two of the ten port slots.</summary>
    public int Slots => Ports.Sum(p => p.Contains(':') ? 2 : 1);
}
