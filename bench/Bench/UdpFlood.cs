using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A flood of new UDP flows: every datagram has a source port/destination port pair not used
/// before, so each one is the first packet of a new connection and goes to the queue.
/// Sent through a raw socket so one thread can vary the ports freely.
/// </summary>
public static class UdpFlood
{
    /// <param name="packetsPerSecond">0 = as fast as possible; otherwise paced to this rate.</param>
    public static long Run(IPAddress target, TimeSpan duration, int packetsPerSecond)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp);
        var endpoint = new IPEndPoint(target, 0);
        var datagram = new byte[8 + 18];
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(4), (ushort)datagram.Length);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            if (packetsPerSecond > 0 && sent > clock.Elapsed.TotalSeconds * packetsPerSecond)
            {
                Thread.SpinWait(50);
                continue;
            }
            // 64,000 source ports × destination ports from 10000 up: no flow repeats within a run.
            BinaryPrimitives.WriteUInt16BigEndian(datagram, (ushort)(1024 + sent % 64000));
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)(10000 + sent / 64000));
            socket.SendTo(datagram, endpoint);
            sent++;
        }
        return sent;
    }
}
