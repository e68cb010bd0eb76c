namespace ProcfsShim;

/// <summary><c>procfs-shim exec -- COMMAND</c>: COMMAND sees /proc/net/ip_cluster.</summary>
public static class ExecCommand
{
    public static int Run(string[] command, string socketPath)
    {
        Console.Error.WriteLine("procfs-shim: exec is not available yet");
        return 1;
    }
}
