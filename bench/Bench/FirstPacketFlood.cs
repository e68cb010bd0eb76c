using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A flood of new flows: no two packets share source address, source port and destination port,
/// so each one is the first packet of a new connection and goes to the queue. Sent through a raw
/// socket with our own IP header, so one thread can vary the source address too (the queue's load
/// balancing hashes addresses), and so the header can be one the front-end drops after the verdict
/// (<see cref="FloodPacket"/>).
/// </summary>
public static class FirstPacketFlood
{
    /// <param name="sourceNetwork">Sources are taken from this /24 (hosts 2..254).</param>
    /// <param name="packetsPerSecond">0 = as fast as possible; otherwise paced to this rate.</param>
    /// <param name="maxPackets">Stop after this many (0 = only the duration limits).</param>
    /// <param name="servicePort">Every packet to this port, as a SYN flood on a service is; by default flows differ in it too.</param>
    public static long Run(FloodPacket shape, IPAddress target, IPAddress sourceNetwork, TimeSpan duration, int packetsPerSecond, long maxPackets = 0,
        ushort? servicePort = null)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
        var endpoint = new IPEndPoint(target, 0);
        var packet = shape.Template(target, sourceNetwork);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && (maxPackets == 0 || sent < maxPackets))
        {
            if (packetsPerSecond > 0 && sent > clock.Elapsed.TotalSeconds * packetsPerSecond)
            {
                Thread.Sleep(1); // ahead of the pace: give the core back to the front-end
                continue;
            }
            long flow = sent;
            shape.SetFlow(packet, sourceHost: (byte)(2 + flow % 253),
                sourcePort: (ushort)(1024 + flow / 253 % 64000), destinationPort: servicePort ?? (ushort)(10000 + flow / 253 / 64000));
            socket.SendTo(packet, endpoint);                   // the kernel fills in the IP header checksum
            sent++;
        }
        return sent;
    }
}
