using System.Net;
using System.Net.Sockets;
using System.Text;

namespace TestSupport;

/// <summary>
/// Connections from the lab's client to the shared address, made in-process (sockets created in
/// the client namespace) so a test can hold hundreds open. Each greeting says which node answered
/// and which address that node was reached at.
/// </summary>
public sealed class LabClient(Lab lab)
{
    public static readonly IPEndPoint Service = new(IPAddress.Parse(Lab.SharedAddress), 80);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>Opens <paramref name="count"/> connections one after another and keeps them open.</summary>
    public List<HeldConnection> Open(int count) =>
        NetworkNamespace.Run(lab.Client, () => Enumerable.Range(0, count).Select(_ => Connect()).ToList());

    /// <summary>Open, exchange data, close — <paramref name="count"/> times; returns the node of each.</summary>
    public List<string> ShortConnections(int count) =>
        NetworkNamespace.Run(lab.Client, () => Enumerable.Range(0, count).Select(_ =>
        {
            using var connection = Connect();
            connection.Exchange("ping");
            return connection.Node;
        }).ToList());

    /// <summary>A UDP flow: one client socket (one source port) sending <paramref name="datagrams"/> datagrams; the node of each answer.</summary>
    public List<Greeting> UdpFlow(int datagrams) => NetworkNamespace.Run(lab.Client, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveTimeout = (int)Patience.TotalMilliseconds };
        socket.Connect(Service);
        var buffer = new byte[256];
        return Enumerable.Range(0, datagrams).Select(_ =>
        {
            socket.Send("hello\n"u8);
            int read = socket.Receive(buffer);
            return Greeting.Parse(Encoding.ASCII.GetString(buffer, 0, read));
        }).ToList();
    });

    /// <summary>One connection to <paramref name="target"/>: the connection, or the socket error that stopped it.</summary>
    public (HeldConnection? Connection, SocketError Error) TryConnect(IPEndPoint target, TimeSpan patience) =>
        NetworkNamespace.Run(lab.Client, () =>
        {
            try
            {
                return ((HeldConnection?)Connect(target, patience), SocketError.Success);
            }
            catch (SocketException e)
            {
                return (null, e.SocketErrorCode);
            }
            catch (IOException e)
            {
                // Connected, but the greeting never came (a firewall change caught the connection mid-way) or the connection closed first.
                return (null, e.InnerException is SocketException stopped ? stopped.SocketErrorCode : SocketError.ConnectionReset);
            }
            catch (TimeoutException)
            {
                return (null, SocketError.TimedOut);
            }
        });

    /// <summary>Sends UDP datagrams of <paramref name="payload"/> bytes to <paramref name="target"/>, expecting no answer.</summary>
    public void SendDatagrams(IPEndPoint target, int count, int payload) => NetworkNamespace.Run(lab.Client, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        for (int i = 0; i < count; i++) socket.SendTo(new byte[payload], target);
        return count;
    });

    /// <summary>
    /// Sends <paramref name="count"/> first packets of new flows to the shared address from sources
    /// in the client's network, shaped as <paramref name="kind"/> says (ipc-bench flood: "syn+ttl1",
    /// "udp+lsrr", "udp+badopt"…), paced to <paramref name="perSecond"/>.
    /// </summary>
    public void Flood(string kind, int count, int perSecond)
    {
        var sent = lab.Exec(lab.Client, Binaries.Path("bench/Bench", "ipc-bench"), "flood", kind, Lab.SharedAddress, "192.0.2.0",
            count.ToString(), perSecond.ToString());
        if (sent.ExitCode != 0 || !sent.Stdout.Contains($"sent {count}")) throw new InvalidOperationException("flood failed\n" + sent);
    }

    /// <summary>
    /// Spoofed SYNs to the service, never completed, from sources in the client's network, for
    /// <paramref name="seconds"/> at <paramref name="perSecond"/> (0: as fast as the client can); how many were sent.
    /// </summary>
    public long SynFlood(double seconds, int perSecond)
    {
        var sent = lab.Exec(lab.Client, Binaries.Path("bench/Bench", "ipc-bench"), "syn-flood", Lab.SharedAddress, Service.Port.ToString(), "192.0.2.0",
            seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), perSecond.ToString());
        if (sent.ExitCode != 0 || !sent.Stdout.StartsWith("sent ")) throw new InvalidOperationException("flood failed\n" + sent);
        return long.Parse(sent.Stdout["sent ".Length..].Trim());
    }

    private static HeldConnection Connect() => Connect(Service, Patience);

    private static HeldConnection Connect(IPEndPoint target, TimeSpan patience)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveTimeout = (int)patience.TotalMilliseconds,
            SendTimeout = (int)patience.TotalMilliseconds,
        };
        try
        {
            var connected = socket.BeginConnect(target, null, null);
            if (!connected.AsyncWaitHandle.WaitOne(patience)) throw new TimeoutException($"connect to {target} timed out");
            socket.EndConnect(connected);
            var connection = new HeldConnection(socket);
            connection.ReadGreeting();
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

/// <summary>What a greeter says: its name, the address the client reached it at, and (TCP) the client address it saw.</summary>
public readonly record struct Greeting(string Node, string AddressSeen, string PeerSeen)
{
    public static Greeting Parse(string line)
    {
        var words = line.Trim().Split(' ');
        return new Greeting(words[0], words.Length > 1 ? words[1] : "", words.Length > 2 ? words[2] : "");
    }
}

/// <summary>An open connection to the shared address.</summary>
public sealed class HeldConnection(Socket socket) : IDisposable
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);

    public string Node { get; private set; } = "";
    public string AddressSeen { get; private set; } = "";
    public string PeerSeen { get; private set; } = "";

    internal void ReadGreeting()
    {
        var greeting = Greeting.Parse(ReadLine());
        (Node, AddressSeen, PeerSeen) = (greeting.Node, greeting.AddressSeen, greeting.PeerSeen);
    }

    /// <summary>Sends a line and reads the node's echo; throws when the connection no longer carries data.</summary>
    public void Exchange(string text)
    {
        _stream.Write(Encoding.ASCII.GetBytes(text + "\n"));
        string echo = ReadLine();
        if (echo != text) throw new IOException($"echo '{echo}' instead of '{text}'");
    }

    private string ReadLine()
    {
        var line = new StringBuilder();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0) throw new IOException("connection closed");
            if (b == '\n') return line.ToString();
            line.Append((char)b);
        }
    }

    public void Dispose() => _stream.Dispose();
}
