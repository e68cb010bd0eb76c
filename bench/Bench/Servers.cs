using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench;

/// <summary>The nodes' servers for the benchmarks: a greeter for connection rate, a sink for throughput.</summary>
public static class Servers
{
    /// <summary>Accepts, writes <paramref name="name"/> and a newline, waits for the client to close.</summary>
    public static void Greet(int port, string name)
    {
        byte[] greeting = Encoding.ASCII.GetBytes(name + "\n");
        Serve(port, async socket =>
        {
            await socket.SendAsync(greeting, SocketFlags.None);
            var buffer = new byte[256];
            while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0) { }
        });
    }

    /// <summary>Accepts and reads everything, counting nothing: the far end of a throughput test.</summary>
    public static void Sink(int port) => Serve(port, async socket =>
    {
        var buffer = new byte[256 * 1024];
        while (await socket.ReceiveAsync(buffer, SocketFlags.None) > 0) { }
    });

    private static void Serve(int port, Func<Socket, Task> handle)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Bind(new IPEndPoint(IPAddress.Any, port));
        listener.Listen(4096);
        while (true)
        {
            var socket = listener.Accept();
            _ = Task.Run(async () =>
            {
                try { await handle(socket); }
                catch (SocketException) { }
                finally { socket.Dispose(); }
            });
        }
    }
}
