using System.Net;
using System.Net.Sockets;

namespace Clusterd.Health;

/// <summary>The one TCP connect the tcp, http and shared checks are made of.</summary>
public static class TcpConnect
{
    private const int SolSocket = 1, SoMark = 36;

    /// <summary>
    /// A socket connected to <paramref name="endPoint"/>, its packets carrying <paramref name="mark"/>
    /// (0: none). It closes with a reset, so a probe every second leaves no TIME_WAIT behind.
    /// </summary>
    public static async Task<Socket> OpenAsync(IPEndPoint endPoint, uint mark, CancellationToken timeout)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            if (mark != 0) socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(mark));
            await socket.ConnectAsync(endPoint, timeout);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A connect failure in the words of the listing.</summary>
    public static string Describe(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable => "unreachable",
        SocketError.TimedOut => "timed out",
        SocketError.ConnectionReset => "connection reset",
        _ => e.Message,
    };
}
