using System.Net.Sockets;
using System.Text;

namespace Clusterd.Health;

/// <summary>
/// http: a GET of the path on the node's private address answers with the expected status. One
/// HTTP/1.0 request on a fresh connection, only the status line read: what a health endpoint needs,
/// at the cost of one connect.
/// </summary>
public sealed class HttpProbe : IProbe
{
    private const int MaxStatusLine = 256;

    public async Task<ProbeResult> RunAsync(ProbeTarget target, CancellationToken timeout)
    {
        var endPoint = target.PrivateEndPoint;
        try
        {
            using var socket = await TcpConnect.OpenAsync(endPoint, 0, timeout);
            byte[] request = Encoding.ASCII.GetBytes($"GET {target.Check.Path} HTTP/1.0\r\nHost: {target.Node.Address}\r\nUser-Agent: clusterd\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, timeout);
            string line = await StatusLineAsync(socket, timeout);
            int expected = target.Check.Expect;
            return StatusOf(line) is { } status
                ? status == expected ? ProbeResult.Pass($"HTTP {status}") : ProbeResult.Fail($"HTTP {status}, expected {expected}")
                : ProbeResult.Fail("no HTTP status line");
        }
        catch (SocketException e)
        {
            return ProbeResult.Fail($"{endPoint}: {TcpConnect.Describe(e)}");
        }
    }

    /// <summary>The first line of the answer (without its end), or what came before the connection closed.</summary>
    private static async Task<string> StatusLineAsync(Socket socket, CancellationToken timeout)
    {
        byte[] buffer = new byte[MaxStatusLine];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, timeout);
            if (read == 0) break;
            int end = Array.IndexOf(buffer, (byte)'\n', length, read);
            length += read;
            if (end >= 0) return Encoding.ASCII.GetString(buffer, 0, end).TrimEnd('\r');
        }
        return Encoding.ASCII.GetString(buffer, 0, length);
    }

    /// <summary>The status code of "HTTP/1.x NNN reason", or null when the line is no such thing.</summary>
    internal static int? StatusOf(string line)
    {
        string[] parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/", StringComparison.Ordinal)
               && parts[1].Length == 3 && int.TryParse(parts[1], System.Globalization.NumberStyles.None, null, out int status)
            ? status
            : null;
    }
}
