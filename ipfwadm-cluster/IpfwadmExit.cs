namespace Ipfwadm;

/// <summary>
/// How ipfwadm ends early: what it prints on stderr and the status it exits with. The text echoes
/// words of the command line and answers of clusterd, so its control characters are escaped.
/// </summary>
public sealed class IpfwadmExit(int status, string stderr) : Exception(stderr)
{
    public int Status { get; } = status;
    public string Stderr { get; } = ClusterControl.TerminalText.Escape(stderr);

    /// <summary>The try-help line that follows most errors.</summary>
    public static string TryHelp(string program) => $"Try `{program} -h' for more information.\n";

    /// <summary>exit_error: "prog: msg", the try-help line, exit 2. The message stays one line, whatever words it echoes.</summary>
    public static IpfwadmExit Error(string program, string message, int status = 2) =>
        new(status, $"{program}: {ClusterControl.TerminalText.EscapeLine(message)}\n{TryHelp(program)}");

    /// <summary>getopt's own complaint, then the try-help line, exit 2.</summary>
    public static IpfwadmExit Getopt(string program, string message) => Error(program, message);

    /// <summary>perror("ipfwadm: setsockopt failed"): the literal name, no try-help, exit 255.</summary>
    public static IpfwadmExit Setsockopt(string errorText) => new(255, $"ipfwadm: setsockopt failed: {errorText}\n");
}
