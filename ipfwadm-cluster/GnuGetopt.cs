namespace Ipfwadm;

/// <summary>
/// Short-option parsing the way glibc's getopt does it, because ipfwadm's error texts and its
/// optional-word tricks depend on the details: permutation (non-option words are set aside and
/// scanning goes on, unless POSIXLY_CORRECT is set), bundled flags (<c>-lnx</c>), glued or
/// separate arguments (<c>-Ptcp</c>, <c>-P tcp</c>; a separate argument is taken even if it
/// starts with '-'), <c>--</c> ending the options, and glibc's messages for unknown letters and
/// missing arguments.
/// </summary>
public sealed class GnuGetopt(IReadOnlyList<string> args, string optionsTakingArgument, string knownOptions, string program)
{
    private readonly List<string> _strays = [];
    private readonly bool _stopAtFirstWord = Environment.GetEnvironmentVariable("POSIXLY_CORRECT") is not null;
    private int _index;       // the next word to look at
    private int _inCluster;   // position inside a bundle like -lnx; 0 = not in one
    private bool _finished;

    /// <summary>Words that were not options (set aside by permutation, or after <c>--</c>).</summary>
    public IReadOnlyList<string> Strays => _strays;

    /// <summary>
    /// The next option letter and its argument; false when the options are done.
    /// Throws <see cref="IpfwadmExit"/> with glibc's message for an unknown letter or missing argument.
    /// </summary>
    public bool Next(out char option, out string? argument)
    {
        option = '\0';
        argument = null;
        if (_inCluster == 0)
        {
            if (!AdvanceToOption()) return false;
            _inCluster = 1;
        }
        string word = args[_index];
        option = word[_inCluster++];
        bool lastInCluster = _inCluster >= word.Length;
        if (!knownOptions.Contains(option))
        {
            EndClusterIf(lastInCluster);
            throw IpfwadmExit.Getopt(program, $"invalid option -- '{option}'");
        }
        if (optionsTakingArgument.Contains(option))
        {
            if (!lastInCluster) argument = word[_inCluster..];
            else if (_index + 1 < args.Count) argument = args[++_index];
            else
            {
                EndClusterIf(true);
                throw IpfwadmExit.Getopt(program, $"option requires an argument -- '{option}'");
            }
            EndClusterIf(true);
            return true;
        }
        EndClusterIf(lastInCluster);
        return true;
    }

    /// <summary>
    /// ipfwadm's "peek": right after an option that ended its bundle, the next word is taken as an
    /// optional argument if it does not start with '-' (an empty word qualifies).
    /// </summary>
    public bool TryTakeWord(out string word)
    {
        word = "";
        if (_inCluster != 0 || _finished || _index >= args.Count || args[_index].StartsWith('-')) return false;
        word = args[_index++];
        return true;
    }

    private void EndClusterIf(bool end)
    {
        if (!end) return;
        _inCluster = 0;
        _index++;
    }

    /// <summary>Moves to the next option word, setting non-options aside; false at the end.</summary>
    private bool AdvanceToOption()
    {
        if (_finished) return false;
        while (_index < args.Count)
        {
            string word = args[_index];
            if (word == "--")
            {
                _strays.AddRange(args.Skip(_index + 1));
                break;
            }
            if (word.Length > 1 && word[0] == '-') return true;
            if (_stopAtFirstWord)
            {
                _strays.AddRange(args.Skip(_index));
                break;
            }
            _strays.Add(word);
            _index++;
        }
        _finished = true;
        _index = args.Count;
        return false;
    }
}
