using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A flood of new UDP flows: no two datagrams share source address, source port and destination
/// port, so each one is the first packet of a new connection and goes to the queue. Sent through
/// a raw socket with our own IP header, so one thread can vary the source address too (the
/// queue's load balancing hashes addresses).
/// </summary>
public static class UdpFlood
{
    /// <param name="sourceNetwork">Sources are taken from this /24 (hosts 2..254).</param>
    /// <param name="packetsPerSecond">0 = as fast as possible; otherwise paced to this rate.</param>
    public static long Run(IPAddress target, IPAddress sourceNetwork, TimeSpan duration, int packetsPerSecond)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Raw);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
        var endpoint = new IPEndPoint(target, 0);
        var packet = new byte[20 + 8 + 18];
        packet[0] = 0x45;                                      // IPv4, 20-byte header
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[8] = 64;                                        // TTL
        packet[9] = 17;                                        // UDP
        target.TryWriteBytes(packet.AsSpan(16), out _);
        sourceNetwork.TryWriteBytes(packet.AsSpan(12), out _);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(24), 8 + 18);
        long sent = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            if (packetsPerSecond > 0 && sent > clock.Elapsed.TotalSeconds * packetsPerSecond)
            {
                Thread.Sleep(1); // ahead of the pace: give the core back to the front-end
                continue;
            }
            long flow = sent;
            packet[15] = (byte)(2 + flow % 253);                                              // source host
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(20), (ushort)(1024 + flow / 253 % 64000));
            BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(22), (ushort)(10000 + flow / 253 / 64000));
            socket.SendTo(packet, endpoint);                   // the kernel fills in the header checksum
            sent++;
        }
        return sent;
    }
}
