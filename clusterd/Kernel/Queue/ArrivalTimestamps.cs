using System.Net.Sockets;

namespace Clusterd.Kernel.Queue;

/// <summary>
/// Keeps the kernel stamping received packets with their arrival time while it lives: the kernel
/// does so only while some socket asked for timestamps (SO_TIMESTAMPNS), and only stamped packets
/// come off the queue with an arrival time, from which the verdict latency is measured. Holding
/// one such socket costs a clock read per received packet, machine-wide; clusterd holds it when
/// asked for metrics.
/// </summary>
public sealed class ArrivalTimestamps : IDisposable
{
    private const int SOL_SOCKET = 1, SO_TIMESTAMPNS = 35;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public ArrivalTimestamps() => _socket.SetRawSocketOption(SOL_SOCKET, SO_TIMESTAMPNS, BitConverter.GetBytes(1));

    public void Dispose() => _socket.Dispose();
}
