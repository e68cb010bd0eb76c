namespace Clusterd;

/// <summary>Lines to stderr, where the service manager collects them. Debug lines obey the level set by <c>clconfig -debug</c>.</summary>
public static class Log
{
    private static readonly Lock Gate = new();

    public static int DebugLevel { get; set; }

    public static void Info(string message) => Write(message);

    public static void Error(string message) => Write("error: " + message);

    public static void Debug(int level, string message)
    {
        if (DebugLevel >= level) Write("debug: " + message);
    }

    private static void Write(string line)
    {
        lock (Gate) Console.Error.WriteLine("clusterd: " + line);
    }
}
