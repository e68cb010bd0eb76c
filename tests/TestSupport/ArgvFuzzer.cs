namespace TestSupport;

/// <summary>
/// Argument vectors for fuzzing a command line: words of the command's own grammar, numbers and
/// addresses at and past their limits, and those words mutated (characters dropped, doubled,
/// replaced, control and non-ASCII characters, glued together), so most vectors get deep into
/// the parser rather than failing at the first word. Half the vectors begin with one of
/// <paramref name="starts"/>, valid beginnings, when there are any.
/// </summary>
public sealed class ArgvFuzzer(int seed, IReadOnlyList<string> grammar, IReadOnlyList<string[]>? starts = null)
{
    private static readonly string[] Values =
    [
        "", "0", "1", "-1", "9", "10", "255", "256", "65535", "65536", "4294967295", "4294967296", "99999999999999999999999",
        "0x10", "010", "1e3", "+5", " 1", "1.2.3.4", "10.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3.4/32", "0/0",
        "10.0.0.0/8", "1.2.3.4/33", "1.2.3", "1.2.3.4.5", "256.1.1.1", "::1", "-", "--", "=", ":", "1:2", "65535:0",
        "\x1b[2J", "\x07", "\u00e9", "\u202e", "\0", new string('a', 300), new string('9', 40),
    ];

    private readonly Random _random = new(seed);

    /// <summary>
    /// The fuzz loop: <paramref name="vectors"/> vectors through <paramref name="outcome"/>, which
    /// names how each ended (a request, an exit status…) or throws when it ended wrongly; returns how
    /// many ended each way. Anything thrown is rethrown with the vector that caused it.
    /// </summary>
    public FuzzTally Run(int vectors, Func<string[], string> outcome)
    {
        var tally = new FuzzTally(vectors);
        for (int i = 0; i < vectors; i++)
        {
            var args = Next();
            try
            {
                tally.Add(outcome(args));
            }
            catch (Exception e)
            {
                throw new FuzzFailure(args, e);
            }
        }
        return tally;
    }

    public string[] Next()
    {
        var start = starts is { Count: > 0 } && _random.Next(2) == 0 ? starts[_random.Next(starts.Count)] : [];
        var words = new string[start.Length + _random.Next(0, 9)];
        start.CopyTo(words, 0);
        for (int i = start.Length; i < words.Length; i++) words[i] = Word();
        return words;
    }

    private string Word()
    {
        string word = _random.Next(3) switch
        {
            0 => Values[_random.Next(Values.Length)],
            _ => grammar[_random.Next(grammar.Count)],
        };
        return _random.Next(4) == 0 ? Mutate(word) : word;
    }

    private string Mutate(string word)
    {
        var chars = new List<char>(word);
        for (int m = _random.Next(1, 4); m > 0; m--)
        {
            int at = _random.Next(chars.Count + 1);
            switch (_random.Next(5))
            {
                case 0 when at < chars.Count: chars.RemoveAt(at); break;
                case 1 when at < chars.Count: chars.Insert(at, chars[at]); break;
                case 2: chars.Insert(at, (char)_random.Next(0, 0x80)); break;
                case 3: chars.Insert(at, (char)_random.Next(0x80, 0xd800)); break;
                default: chars.InsertRange(at, grammar[_random.Next(grammar.Count)]); break;
            }
        }
        return new string([.. chars]);
    }
}

/// <summary>How many of <see cref="Vectors"/> fuzzed command lines ended each way.</summary>
public sealed class FuzzTally(int vectors)
{
    private readonly SortedDictionary<string, int> _outcomes = new(StringComparer.Ordinal);

    public int Vectors => vectors;

    public int this[string outcome] => _outcomes.GetValueOrDefault(outcome);

    internal void Add(string outcome) => _outcomes[outcome] = this[outcome] + 1;

    public override string ToString() => $"{vectors} command lines: {string.Join(", ", _outcomes.Select(o => $"{o.Key} {o.Value}"))}";
}

/// <summary>A fuzzed command line ended wrongly: the vector, quoted word by word, and what went wrong.</summary>
public sealed class FuzzFailure(string[] args, Exception inner)
    : Exception($"[{string.Join(" ", args.Select(a => $"'{a}'"))}]: {inner.Message}", inner);
