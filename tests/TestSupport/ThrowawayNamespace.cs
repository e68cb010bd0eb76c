namespace TestSupport;

/// <summary>
/// An empty network namespace of one test's own, under a unique name, deleted on
/// <see cref="Dispose"/>. <see cref="Prepare"/> runs what the test sets up in it and deletes the
/// namespace at once if that throws: xunit gives a constructor that throws no Dispose.
/// </summary>
public sealed class ThrowawayNamespace : IDisposable
{
    public string Name { get; }

    public ThrowawayNamespace(string prefix)
    {
        Name = $"{prefix}-{Environment.ProcessId}-{Random.Shared.Next(100_000)}";
        var made = CommandRunner.Run("ip", "netns", "add", Name);
        if (made.ExitCode != 0) throw new InvalidOperationException(made.ToString());
    }

    public void Prepare(Action setUp)
    {
        try
        {
            setUp();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="command"/> in the namespace; its failure throws, with what it printed.</summary>
    public void Exec(params string[] command)
    {
        var result = CommandRunner.Run("ip", ["netns", "exec", Name, .. command]);
        if (result.ExitCode != 0) throw new InvalidOperationException(result.ToString());
    }

    public void Dispose() => CommandRunner.Run("ip", "netns", "del", Name);
}
