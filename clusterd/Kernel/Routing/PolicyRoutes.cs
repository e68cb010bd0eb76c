using System.Diagnostics;
using ClusterControl;

namespace Clusterd.Kernel.Routing;

/// <summary>
/// Route-mode forwarding, the 1997 behaviour: a packet keeps the shared address as destination
/// and leaves with the node's private address as next hop. Each node mark gets a route table
/// (numbered by the mark) holding one default route via the node, and an <c>ip rule</c> at
/// <see cref="Preference"/> sends packets carrying that mark to it. Masq nodes get the same
/// table: after DNAT the destination is the node itself, so the route agrees.
/// </summary>
/// <remarks>Programmed with iproute2's batch mode; rules at <see cref="Preference"/> belong to clusterd.</remarks>
public sealed class PolicyRoutes
{
    public const int Preference = 10000;

    private readonly Dictionary<uint, Ipv4Address> _installed = [];

    /// <summary>Adopts the rules a killed clusterd left, so their connections keep flowing until <see cref="Sync"/>.</summary>
    public PolicyRoutes()
    {
        foreach (string table in ListOwnRuleTables())
            if (uint.TryParse(table, out uint mark)) _installed[mark] = default;
    }

    /// <summary>
    /// Makes the installed routes <paramref name="wanted"/> (node mark → node address). A node that
    /// cannot be routed to now (its network is down or not yet configured) is logged and tried again
    /// at the next sync, rather than refusing the whole configuration.
    /// </summary>
    public void Sync(IReadOnlyDictionary<uint, Ipv4Address> wanted)
    {
        var stale = _installed.Keys.Where(m => !wanted.ContainsKey(m)).ToList();
        if (stale.Count > 0)
            Batch(stale.SelectMany(mark => new[]
            {
                $"rule del fwmark {Marks.Hex(mark)} table {mark} pref {Preference}",
                $"route flush table {mark}",
            }));
        foreach (var mark in stale) _installed.Remove(mark);
        foreach (var (mark, address) in wanted)
        {
            if (_installed.TryGetValue(mark, out var current) && current == address) continue;
            if (!_installed.ContainsKey(mark))
                Batch([$"rule add fwmark {Marks.Hex(mark)} table {mark} pref {Preference}"]);
            string error = Batch([$"route replace default via {address} table {mark}"]);
            if (error.Length == 0) _installed[mark] = address;
            else
            {
                _installed[mark] = default; // the rule is in place; the route is retried next time
                Log.Error($"no route to node {address} yet ({error.Split('\n')[0]}); will retry");
            }
        }
    }

    /// <summary>Removes every rule at clusterd's preference, whatever left them (a crash, an older run).</summary>
    public void RemoveAll()
    {
        var tables = ListOwnRuleTables();
        var commands = tables.SelectMany(t => new[] { $"rule del pref {Preference} table {t}", $"route flush table {t}" }).ToList();
        if (commands.Count > 0) Batch(commands);
        _installed.Clear();
    }

    private static List<string> ListOwnRuleTables()
    {
        var output = Run(["ip", "-4", "rule", "show", "pref", Preference.ToString()], stdin: null, out _);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(words => Array.IndexOf(words, "lookup") is int i and >= 0 && i + 1 < words.Length ? words[i + 1] : null)
            .OfType<string>()
            .ToList();
    }

    /// <summary>Runs iproute2 commands, going on past failures; returns what failed, or "".</summary>
    private static string Batch(IEnumerable<string> commands)
    {
        Run(["ip", "-4", "-force", "-batch", "-"], string.Join('\n', commands) + "\n", out string error);
        return error;
    }

    private static string Run(string[] command, string? stdin, out string error)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in command[1..]) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new KernelRefusedException("cannot run ip");
        var errorTask = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        error = errorTask.Result.Trim();
        return output;
    }
}
