using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace Clusterd.Health;

/// <summary>
/// exec: the command, run on the front-end by /bin/sh with the node in its environment
/// (IP_CLUSTER_NODE, IP_CLUSTER_POOL), exits 0. Its output is discarded; at the timeout it is
/// killed with everything it started.
/// </summary>
public sealed class ExecProbe : IProbe
{
    public async Task<ProbeResult> RunAsync(ProbeTarget target, CancellationToken timeout)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("exec </dev/null >/dev/null 2>&1\n" + target.Check.Command);
        start.Environment["IP_CLUSTER_NODE"] = target.Node.Address.ToString();
        start.Environment["IP_CLUSTER_POOL"] = target.Pool;
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("not started");
        }
        catch (Win32Exception e)
        {
            return ProbeResult.Fail($"cannot run /bin/sh: {e.Message}");
        }
        using (process)
        {
            try
            {
                await process.WaitForExitAsync(timeout);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return process.ExitCode == 0
                ? ProbeResult.Pass("exit 0")
                : ProbeResult.Fail("exit " + process.ExitCode.ToString(CultureInfo.InvariantCulture));
        }
    }
}
