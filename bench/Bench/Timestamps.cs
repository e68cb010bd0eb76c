using System.Net.Sockets;

namespace Bench;

/// <summary>
/// Keeps kernel packet timestamps on while it lives: the kernel stamps received packets only while
/// some socket asked for timestamps, and the queue then reports each packet's arrival time, which
/// clusterd turns into its arrival-to-verdict latency.
/// </summary>
public sealed class Timestamps : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);

    public Timestamps()
    {
        const int SO_TIMESTAMPNS = 35;
        _socket.SetRawSocketOption(1 /* SOL_SOCKET */, SO_TIMESTAMPNS, BitConverter.GetBytes(1));
    }

    public void Dispose() => _socket.Dispose();
}
