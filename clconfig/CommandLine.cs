using ClusterControl;

namespace Clconfig;

/// <summary>
/// The clconfig language (clconfig(8)): a single-dash command word, positional words, then
/// keyword/value pairs in any order, each at most once. Parsing is strict and complete before
/// anything is sent, so a bad line never reaches clusterd.
/// </summary>
public static class CommandLine
{
    public static Invocation Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0) throw new UsageException("missing command (try 'clconfig -h')");
        var words = new Words(args);
        string command = words.Next();
        Invocation invocation = command switch
        {
            "-h" or "--help" => new Invocation.ShowHelp(),
            "--version" => new Invocation.ShowVersion(),
            "-add" => NodeChange(ControlOp.Add, words),
            "-set" => NodeChange(ControlOp.Set, words),
            "-del" => Send(new ControlRequest { Op = ControlOp.Del, Pool = words.Pool(command), Node = words.Address(command) }),
            "-list" => Listing(ControlOp.List, words),
            "-status" => Listing(ControlOp.Status, words),
            "-save" => Send(new ControlRequest { Op = ControlOp.Save }),
            "-create" => CreatePool(words),
            "-scheduler" => Send(new ControlRequest { Op = ControlOp.Scheduler, Pool = words.Pool(command), Scheduler = words.Scheduler(command) }),
            "-forward" => Send(new ControlRequest { Op = ControlOp.Forward, Pool = words.Pool(command), Forward = words.Forward(command) }),
            "-destroy" => Send(new ControlRequest { Op = ControlOp.Destroy, Pool = words.Pool(command) }),
            "-debug" => Send(new ControlRequest { Op = ControlOp.Debug, Level = words.DebugLevel(command) }),
            "-rate" => Listing(ControlOp.Rate, words),
            "-watch" => new Invocation.Watch(words.OptionalPool()),
            "-check" => Check(words),
            "-ping" => new Invocation.Ping(words.OptionalDigest()),
            "-sticky" => Sticky(words),
            "-slowstart" => SlowStart(words),
            _ => throw new UsageException($"unknown command '{command}' (try 'clconfig -h')"),
        };
        words.RequireEnd();
        return invocation;
    }

    private static Invocation.Send Send(ControlRequest request) => new(request);

    /// <summary>-list [POOL] [--json], -rate [POOL] [--json] and -status [--json]: text by default, JSON for monitoring tools.</summary>
    private static Invocation.Send Listing(ControlOp op, Words words)
    {
        string? pool = null;
        var format = OutputFormat.Text;
        while (words.TryNext(out string word))
        {
            if (word == "--json" && format == OutputFormat.Text) format = OutputFormat.Json;
            else if (TakesPool(op) && pool is null && PoolName.IsValid(word)) pool = word;
            else throw new UsageException(TakesPool(op) && pool is null && !word.StartsWith('-')
                ? $"bad pool name '{word}'"
                : $"unexpected word '{word}'");
        }
        return Send(new ControlRequest { Op = op, Pool = pool, Format = format });
    }

    private static bool TakesPool(ControlOp op) => op is ControlOp.List or ControlOp.Rate;

    /// <summary>-create POOL [route|masq] [leastload|maglev], the words after the pool in any order.</summary>
    private static Invocation.Send CreatePool(Words words)
    {
        string pool = words.Pool("-create");
        ForwardMethod? forward = null;
        PoolScheduler? scheduler = null;
        while (words.TryNext(out string word))
        {
            if (forward is null && ClusterWords.TryParseForward(word, out var method)) forward = method;
            else if (scheduler is null && SchedulerWords.TryParse(word, out var parsed)) scheduler = parsed;
            else throw new UsageException(
                forward is null ? $"bad forwarding method '{word}' (expected route or masq)"
                : scheduler is null ? $"bad scheduler '{word}' (expected {SchedulerWords.Choices})"
                : $"unexpected word '{word}'");
        }
        return Send(new ControlRequest { Op = ControlOp.Create, Pool = pool, Forward = forward, Scheduler = scheduler });
    }

    /// <summary>-add/-set POOL ADDR [up|down|drain [timeout S]] [cost N], the words after the address in any order.</summary>
    private static Invocation.Send NodeChange(ControlOp op, Words words)
    {
        string command = op == ControlOp.Add ? "-add" : "-set";
        string pool = words.Pool(command);
        var address = words.Address(command);
        NodeState? state = null;
        int? cost = null, drainTimeout = null;
        while (words.TryNext(out string word))
        {
            if (ClusterWords.TryParseState(word, out var parsed))
            {
                if (state is not null) throw new UsageException($"state given twice ('{word}')");
                state = parsed;
            }
            else if (word == "timeout" && state == NodeState.Drain)
            {
                if (drainTimeout is not null) throw new UsageException("'timeout' given twice");
                drainTimeout = words.DrainTimeout();
            }
            else if (word == "cost")
            {
                if (cost is not null) throw new UsageException("'cost' given twice");
                cost = words.Cost();
            }
            else throw new UsageException($"unknown word '{word}' (expected up, down, drain [timeout S] or cost N)");
        }
        if (op == ControlOp.Set && state is null && cost is null)
            throw new UsageException("-set: nothing to change (give up, down, drain or cost N)");
        return Send(new ControlRequest { Op = op, Pool = pool, Node = address, State = state, Cost = cost, DrainTimeout = drainTimeout });
    }

    /// <summary>
    /// -check POOL [ADDR] tcp|shared PORT | http PORT PATH [expect CODE] | exec COMMAND | none, then
    /// [interval MS] [timeout MS] [rise N] [fall N] in any order; for a node, <c>default</c> returns
    /// it to its pool's check.
    /// </summary>
    private static Invocation.Send Check(Words words)
    {
        const string command = "-check";
        string pool = words.Pool(command);
        string word = words.Required(command, "check kind (tcp, http, exec, shared or none)");
        Ipv4Address? node = null;
        if (Ipv4Address.TryParse(word, out var address))
        {
            node = address;
            word = words.Required(command, "check kind (tcp, http, exec, shared, none or default)");
            if (word == "default") return Send(new ControlRequest { Op = ControlOp.Check, Pool = pool, Node = node });
        }
        if (!CheckWords.TryParseKind(word, out var kind))
            throw new UsageException($"bad check kind '{word}' (expected tcp, http, exec, shared or none)");
        var check = kind switch
        {
            CheckKind.Tcp or CheckKind.Shared => new HealthCheck { Kind = kind, Port = words.Port() },
            CheckKind.Http => new HealthCheck { Kind = kind, Port = words.Port(), Path = words.Required(command, "HTTP path") },
            CheckKind.Exec => new HealthCheck { Kind = kind, Command = words.Required(command, "command") },
            _ => new HealthCheck { Kind = kind },
        };
        var given = new HashSet<string>();
        while (kind != CheckKind.None && words.TryNext(out string option))
        {
            if (option is not ("interval" or "timeout" or "rise" or "fall") && !(option == "expect" && kind == CheckKind.Http))
                throw new UsageException($"unknown word '{option}' (expected interval, timeout, rise, fall{(kind == CheckKind.Http ? " or expect" : "")})");
            if (!given.Add(option)) throw new UsageException($"'{option}' given twice");
            int value = words.Number(option);
            check = option switch
            {
                "interval" => check with { IntervalMs = value },
                "timeout" => check with { TimeoutMs = value },
                "rise" => check with { Rise = value },
                "fall" => check with { Fall = value },
                _ => check with { Expect = value },
            };
        }
        if (check.Problem() is { } problem) throw new UsageException(problem);
        return Send(new ControlRequest { Op = ControlOp.Check, Pool = pool, Node = node, Check = check });
    }

    /// <summary>-sticky POOL SECONDS [mask M], or -sticky POOL 0|none to turn it off.</summary>
    private static Invocation.Send Sticky(Words words)
    {
        const string command = "-sticky";
        string pool = words.Pool(command);
        string word = words.Required(command, "time in seconds (or none)");
        if (word is "none" or "0") return Send(new ControlRequest { Op = ControlOp.Sticky, Pool = pool });
        if (!int.TryParse(word, System.Globalization.NumberStyles.None, null, out int seconds))
            throw new UsageException($"bad sticky time '{word}' (expected seconds, or none)");
        var mask = Persistence.HostMask;
        if (words.TryNext(out string option))
        {
            if (option != "mask") throw new UsageException($"unknown word '{option}' (expected mask M)");
            string given = words.Required("mask", "netmask");
            if (!Ipv4Address.TryParse(given, out mask)) throw new UsageException($"bad sticky mask '{given}'");
        }
        var sticky = new Persistence(seconds, mask);
        if (sticky.Problem() is { } problem) throw new UsageException(problem);
        return Send(new ControlRequest { Op = ControlOp.Sticky, Pool = pool, Sticky = sticky });
    }

    /// <summary>-slowstart POOL SECONDS, or -slowstart POOL 0|none to turn it off.</summary>
    private static Invocation.Send SlowStart(Words words)
    {
        const string command = "-slowstart";
        string pool = words.Pool(command);
        string word = words.Required(command, "time in seconds (or none)");
        if (word is "none" or "0") return Send(new ControlRequest { Op = ControlOp.SlowStart, Pool = pool });
        return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int seconds) && seconds <= ClusterWords.MaxSlowStart
            ? Send(new ControlRequest { Op = ControlOp.SlowStart, Pool = pool, SlowStart = seconds })
            : throw new UsageException($"bad slow start '{word}' (expected 1..{ClusterWords.MaxSlowStart} seconds, or none)");
    }

    /// <summary>The words after the command, consumed left to right.</summary>
    private sealed class Words(IReadOnlyList<string> args)
    {
        private int _next;

        public string Next() => args[_next++];

        public bool TryNext(out string word)
        {
            bool more = _next < args.Count;
            word = more ? args[_next++] : "";
            return more;
        }

        public string Required(string command, string what) =>
            _next < args.Count ? args[_next++] : throw new UsageException($"{command}: missing {what}");

        public string Pool(string command)
        {
            string word = Required(command, "pool name");
            return PoolName.IsValid(word) ? word : throw new UsageException($"bad pool name '{word}'");
        }

        public Ipv4Address Address(string command)
        {
            string word = Required(command, "node address");
            return Ipv4Address.TryParse(word, out var address) ? address : throw new UsageException($"bad address '{word}'");
        }

        public ForwardMethod Forward(string command)
        {
            string word = Required(command, "forwarding method (route or masq)");
            return ClusterWords.TryParseForward(word, out var method)
                ? method
                : throw new UsageException($"bad forwarding method '{word}' (expected route or masq)");
        }

        public PoolScheduler Scheduler(string command)
        {
            string word = Required(command, $"scheduler ({SchedulerWords.Choices})");
            return SchedulerWords.TryParse(word, out var scheduler)
                ? scheduler
                : throw new UsageException($"bad scheduler '{word}' (expected {SchedulerWords.Choices})");
        }

        public string? OptionalPool() => _next < args.Count ? Pool("-watch") : null;

        public int Cost()
        {
            string word = Required("cost", "value");
            return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int cost)
                   && cost is >= ClusterWords.MinCost and <= ClusterWords.MaxCost
                ? cost
                : throw new UsageException($"bad cost '{word}' (expected {ClusterWords.MinCost}..{ClusterWords.MaxCost})");
        }

        public int DrainTimeout()
        {
            string word = Required("timeout", "value");
            return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int seconds)
                   && seconds is >= 1 and <= ClusterWords.MaxDrainTimeout
                ? seconds
                : throw new UsageException($"bad drain timeout '{word}' (expected 1..{ClusterWords.MaxDrainTimeout} seconds)");
        }

        public int Port()
        {
            string word = Required("-check", "port");
            return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int port) && port is >= 1 and <= 65535
                ? port
                : throw new UsageException($"bad port '{word}' (expected 1..65535)");
        }

        /// <summary>The value of a numeric option, in range or not (the check's own rules say what fits).</summary>
        public int Number(string option)
        {
            string word = Required(option, "value");
            return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int value)
                ? value
                : throw new UsageException($"bad {option} '{word}' (expected a number)");
        }

        public int DebugLevel(string command)
        {
            string word = Required(command, "debug level");
            return int.TryParse(word, System.Globalization.NumberStyles.None, null, out int level) && level <= 9
                ? level
                : throw new UsageException($"bad debug level '{word}' (expected 0..9)");
        }

        /// <summary>A SHA-256 digest as 64 hex digits (as sha256sum prints it), returned in lowercase; null when none is given.</summary>
        public string? OptionalDigest()
        {
            if (!TryNext(out string word)) return null;
            return word.Length == 64 && word.All(char.IsAsciiHexDigit)
                ? word.ToLowerInvariant()
                : throw new UsageException($"bad digest '{word}' (expected 64 hex digits, as sha256sum prints)");
        }

        public void RequireEnd()
        {
            if (_next < args.Count) throw new UsageException($"unexpected word '{args[_next]}'");
        }
    }
}
