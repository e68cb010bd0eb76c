namespace Clusterd;

/// <summary>
/// Lines to stderr, where the service manager collects them. Debug lines obey the level set by <c>clconfig -debug</c>.
/// Under systemd (JOURNAL_STREAM set: stderr is a journal stream) each line starts with its syslog
/// priority, <c>&lt;3&gt;</c> to <c>&lt;7&gt;</c> (sd-daemon(3)), so journald files it at its level.
/// </summary>
public static class Log
{
    /// <summary>The syslog(3) priorities clusterd writes.</summary>
    public enum Priority { Error = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 }

    private static readonly Lock Gate = new();

    private static readonly bool ToJournal = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("JOURNAL_STREAM"));

    public static int DebugLevel { get; set; }

    public static void Info(string message) => Write(Priority.Info, message);

    /// <summary>An event an operator should see: a configuration change, a node changing state.</summary>
    public static void Notice(string message) => Write(Priority.Notice, message);

    /// <summary>Something went wrong but clusterd carries on, as after lost events or a refused re-render.</summary>
    public static void Warn(string message) => Write(Priority.Warning, "warning: " + message);

    public static void Error(string message) => Write(Priority.Error, "error: " + message);

    public static void Debug(int level, string message)
    {
        if (DebugLevel >= level) Write(Priority.Debug, "debug: " + message);
    }

    /// <summary>One log line as written: the priority prefix when <paramref name="toJournal"/>, then clusterd's name.</summary>
    public static string Line(Priority priority, string text, bool toJournal) =>
        (toJournal ? $"<{(int)priority}>" : "") + "clusterd: " + text;

    private static void Write(Priority priority, string text)
    {
        lock (Gate) Console.Error.WriteLine(Line(priority, text, ToJournal));
    }
}
