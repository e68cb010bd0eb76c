using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench;

/// <summary>
/// The nodes' servers for the lab: a greeter (TCP and UDP) that says which node answered and
/// which address the client reached it at, and a sink for throughput.
/// </summary>
public static class Servers
{
    /// <summary>
    /// TCP: on connect, writes "NAME LOCALADDRESS PEERADDRESS\n", then echoes what it receives until the client
    /// closes (so a test can check an old connection still carries data). UDP on the same port:
    /// answers every datagram with the same greeting.
    /// </summary>
    public static void Greet(int port, string name)
    {
        // One UDP socket per local address, so each answer leaves from the address it was sent to
        // (the shared address in route mode) without per-datagram source selection.
        foreach (var address in LocalAddresses())
        {
            var udp = new Thread(() => GreetUdp(new IPEndPoint(address, port), name)) { IsBackground = true };
            udp.Start();
        }
        Serve(port, async socket =>
        {
            var local = ((IPEndPoint)socket.LocalEndPoint!).Address;
            var peer = ((IPEndPoint)socket.RemoteEndPoint!).Address;
            await socket.SendAsync(Encoding.ASCII.GetBytes($"{name} {local} {peer}\n"), SocketFlags.None);
            var buffer = new byte[4096];
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None)) > 0)
                await socket.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
        });
    }

    private static IEnumerable<IPAddress> LocalAddresses() =>
        System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .Distinct(); // a front-end carries one address on several links

    private static void GreetUdp(IPEndPoint local, string name)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(local);
        byte[] reply = Encoding.ASCII.GetBytes($"{name} {local.Address}\n");
        var buffer = new byte[2048];
        EndPoint client = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            socket.ReceiveFrom(buffer, ref client);
            socket.SendTo(reply, client);
        }
    }

    /// <summary>Accepts and reads everything: the far end of a throughput test.</summary>
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
