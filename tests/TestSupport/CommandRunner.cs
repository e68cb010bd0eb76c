using System.Diagnostics;

namespace TestSupport;

/// <summary>What a finished command printed and returned.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>Runs a command to completion with a deadline; on the deadline its whole process tree is killed.</summary>
public static class CommandRunner
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static CommandResult Run(string file, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, string? stdin = null, TimeSpan? timeout = null,
        string? argv0 = null)
    {
        using var process = new Process { StartInfo = StartInfo(file, args, environment) };
        process.StartInfo.RedirectStandardInput = true;
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout ?? DefaultTimeout}");
        }
        process.WaitForExit();
        return new CommandResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static CommandResult Run(string file, params string[] args) => Run(file, (IEnumerable<string>)args);

    /// <summary>Runs a shell line, for tests that need pipes or redirections.</summary>
    public static CommandResult Shell(string line, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null) =>
        Run("/bin/sh", ["-c", line], environment, timeout: timeout);

    public static ProcessStartInfo StartInfo(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in args) info.ArgumentList.Add(arg);
        if (environment is not null)
            foreach (var (key, value) in environment) info.Environment[key] = value;
        return info;
    }
}
