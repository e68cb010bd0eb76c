using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>Established-flow throughput: one TCP connection writing as fast as it can for a fixed time.</summary>
public static class Stream
{
    public static double MegabitsPerSecond(IPEndPoint target, TimeSpan duration)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Connect(target);
        var buffer = new byte[256 * 1024];
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration) sent += socket.Send(buffer);
        return sent * 8 / clock.Elapsed.TotalSeconds / 1e6;
    }
}
