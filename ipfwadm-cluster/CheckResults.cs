using ClusterControl.Firewall;

namespace Ipfwadm;

/// <summary>
/// What -c prints for each packet, with the 2.0 kernel's exit-status quirks: a masqueraded packet
/// exits 255, and a packet matching a redirect rule is an unhandled error (ECONNABORTED).
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
                    Console.Out.Flush();
                    Console.Error.WriteLine("ipfwadm: setsockopt failed: Software caused connection abort");
                    status = 255;
                    break;
            }
        }
        return status;
    }
}
