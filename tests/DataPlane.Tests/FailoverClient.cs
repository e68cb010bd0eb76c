using System.Diagnostics;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// <c>ipc-bench failover</c> in the lab's client namespace: held connections streaming through the
/// front-ends, a probe with new connections, the figures at the end.
/// </summary>
public sealed class FailoverClient : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly Process _process;

    /// <summary>The held connections per node once open, as "nodeN COUNT".</summary>
    public IReadOnlyList<string> Ready { get; }

    public FailoverClient(HaLab lab, int held)
    {
        var info = CommandRunner.StartInfo("ip", ["netns", "exec", lab.Client, Binaries.Path("bench/Bench", "ipc-bench"), "failover", HaLab.SharedAddress, "80", held.ToString()]);
        info.RedirectStandardInput = true;
        _process = Process.Start(info)!;
        Ready = Pairs(Expect("ready"));
    }

    public void Send(string command)
    {
        _process.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
    }

    /// <summary>Opens <paramref name="count"/> more held connections; how many each node got.</summary>
    public Dictionary<string, int> Open(int count)
    {
        Send($"open {count}");
        return Pairs(Expect("opened")).Select(p => p.Split(' ')).ToDictionary(p => p[0], p => int.Parse(p[1]));
    }

    /// <summary>The figures since the last report (or the start); measuring starts anew.</summary>
    public Result Report()
    {
        Send("report");
        return Parse(Expect("report"));
    }

    /// <summary>Ends everything: the figures since the last report.</summary>
    public Result Stop()
    {
        Send("stop");
        return Parse(Expect("result"));
    }

    private static Result Parse(string line)
    {
        var words = line.Split(' ');
        int Value(string name) => int.Parse(words[Array.IndexOf(words, name) + 1]);
        int gaps = Array.IndexOf(words, "gaps");
        var gapMsByPort = gaps < 0 ? new Dictionary<int, int>()
            : words[gaps + 1].Split(',').Select(pair => pair.Split(':')).ToDictionary(pair => int.Parse(pair[0]), pair => int.Parse(pair[1]));
        return new Result(line, Value("broken"), Value("longest_gap_ms"), Value("outage_ms"), gapMsByPort);
    }

    /// <summary>Reads lines until one starts with <paramref name="word"/>; its words after that.</summary>
    private string Expect(string word)
    {
        var read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(Patience) || read.Result is not { } line)
        {
            if (!_process.HasExited) _process.Kill();
            throw new InvalidOperationException($"ipc-bench failover gave no '{word}' line: {_process.StandardError.ReadToEnd()}");
        }
        return line.StartsWith(word + " ", StringComparison.Ordinal) || line == word ? line[word.Length..].Trim() : Expect(word);
    }

    private static List<string> Pairs(string words)
    {
        var parts = words.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return [.. Enumerable.Range(0, parts.Length / 2).Select(i => $"{parts[2 * i]} {parts[2 * i + 1]}")];
    }

    /// <param name="GapMsByPort">Each held connection's longest wait for an echo, by the client's port (a report's; empty in the final result).</param>
    public readonly record struct Result(string Line, int Broken, int LongestGapMs, int OutageMs, IReadOnlyDictionary<int, int> GapMsByPort)
    {
        /// <summary>The line without the gap of every connection: for a test's output.</summary>
        public string Figures => Line.Split(" gaps ")[0];
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
