using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// What -c prints for each packet, with the 2.0 kernel's exit-status quirks: a masqueraded packet
/// exits 255, and a packet matching a redirect rule is an unhandled error (ECONNABORTED), as is
/// a packet on an interface that does not exist or lacks the -V address (EINVAL).
/// </summary>
public static class CheckResults
{
    public static int Print(IEnumerable<CheckVerdict> verdicts)
    {
        int status = 0;
        foreach (var verdict in verdicts)
        {
            switch (verdict)
            {
                case CheckVerdict.Accepted: Console.Out.WriteLine("packet accepted"); break;
                case CheckVerdict.Denied: Console.Out.WriteLine("packet denied"); break;
                case CheckVerdict.Rejected: Console.Out.WriteLine("packet rejected"); break;
                case CheckVerdict.Clustered: Console.Out.WriteLine("packet clustered"); break;
                case CheckVerdict.Masqueraded:
                    Console.Out.WriteLine("packet masqueraded");
                    status = 255;
                    break;
                case CheckVerdict.Redirected:
                    status = SetsockoptFailed("Software caused connection abort");
                    break;
                case CheckVerdict.NoSuchInterface:
                    status = SetsockoptFailed("Invalid argument");
                    break;
            }
        }
        return status;
    }

    /// <summary>perror after a refused check: stdout first, as stdio would have flushed it by exit.</summary>
    private static int SetsockoptFailed(string errorText)
    {
        var failure = IpfwadmExit.Setsockopt(errorText);
        Console.Out.Flush();
        Console.Error.Write(failure.Stderr);
        return failure.Status;
    }
}
