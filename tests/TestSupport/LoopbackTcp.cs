using System.Net;
using System.Net.Sockets;

namespace TestSupport;

/// <summary>TCP over the loopback interface of the namespace the calling thread is in: what a test of the kernel's connection tracking makes connections with.</summary>
public static class LoopbackTcp
{
    public static Socket Listen(int port)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen();
        return listener;
    }

    /// <summary>A connected client; a receive on it gives up after five seconds.</summary>
    public static Socket Connect(int port)
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }
}
