using System.Net;
using System.Net.Sockets;
using TestSupport;

namespace DataPlane.Tests;

/// <summary>
/// ipfwadm rules doing to real packets in the lab what they say: the client reaches node 1
/// (10.0.0.1) through the front-end, whose firewall clusterd programs.
/// </summary>
public sealed class FirewallTests : IDisposable
{
    private static readonly IPEndPoint Node1 = new(IPAddress.Parse("10.0.0.1"), 80);
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(2);
    private readonly ClusterLab _cluster = new();

    private (HeldConnection? Connection, SocketError Error) Connect(IPEndPoint target) => _cluster.Client.TryConnect(target, Short);

    private string Ipfwadm(params string[] args)
    {
        var result = CommandRunner.Run(Binaries.Ipfwadm, args, _cluster.Daemon.ClientEnvironment);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Stdout;
    }

    [Fact]
    public void WithoutRulesTheNodeAnswers()
    {
        var (connection, error) = Connect(Node1);
        Assert.Equal(SocketError.Success, error);
        Assert.Equal("node1", connection!.Node);
        connection.Dispose();
    }

    [Fact]
    public void DenyDropsAndCheckAgrees()
    {
        Ipfwadm("-I", "-a", "deny", "-P", "tcp", "-D", "10.0.0.1", "80");
        Assert.Equal(SocketError.TimedOut, Connect(Node1).Error);
        Assert.Equal("packet denied\n", Ipfwadm("-I", "-c", "-P", "tcp", "-S", "192.0.2.2", "1025", "-D", "10.0.0.1", "80", "-V", "0.0.0.0", "-W", "fe-cl"));
    }

    [Fact]
    public void RejectAnswersWithPortUnreachable()
    {
        Ipfwadm("-I", "-a", "reject", "-P", "tcp", "-D", "10.0.0.1", "80");
        Assert.Equal(SocketError.ConnectionRefused, Connect(Node1).Error);
        Assert.Equal("packet rejected\n", Ipfwadm("-I", "-c", "-P", "tcp", "-S", "192.0.2.2", "1025", "-D", "10.0.0.1", "80", "-V", "0.0.0.0", "-W", "fe-cl"));
    }

    [Fact]
    public void OutputRulesAlsoSeeForwardedPackets()
    {
        Ipfwadm("-O", "-a", "deny", "-P", "tcp", "-D", "10.0.0.1", "80");
        Assert.Equal(SocketError.TimedOut, Connect(Node1).Error);
    }

    [Fact]
    public void FirstMatchWinsAndDefaultPolicyAppliesLast()
    {
        Ipfwadm("-I", "-p", "deny");
        Ipfwadm("-I", "-a", "accept", "-P", "tcp", "-S", "192.0.2.0/24", "-D", "10.0.0.1", "80", "-b");
        Assert.Equal(SocketError.Success, Connect(Node1).Error);
        Assert.Equal(SocketError.TimedOut, Connect(new IPEndPoint(IPAddress.Parse("10.0.0.2"), 80)).Error);
    }

    [Fact]
    public void AccountingCountsExactPacketsAndBytes()
    {
        Ipfwadm("-A", "in", "-a", "-P", "udp", "-D", "10.0.0.1", "7777");
        _cluster.Client.SendDatagrams(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 7777), count: 5, payload: 100);
        string listing = Ipfwadm("-A", "-l", "-n", "-x");
        var row = listing.Split('\n')[2].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(("5", "640"), (row[0], row[1])); // 5 × (20 IP + 8 UDP + 100)
        Ipfwadm("-A", "-z");
        Assert.Equal("0", Ipfwadm("-A", "-l", "-n", "-x").Split('\n')[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
    }

    [Fact]
    public void MasqueradingHidesThePrivateClient()
    {
        var (plain, _) = Connect(Node1);
        Assert.Equal("192.0.2.2", plain!.PeerSeen);
        plain.Dispose();
        Ipfwadm("-F", "-a", "m", "-S", "192.0.2.0/24");
        var (masqueraded, error) = Connect(Node1);
        Assert.Equal(SocketError.Success, error);
        Assert.Equal("10.0.0.254", masqueraded!.PeerSeen);
        Assert.Contains("IP masquerading entries\nprot expire", Ipfwadm("-M", "-l", "-n"));
        masqueraded.Dispose();
    }

    [Fact]
    public void RedirectLandsOnALocalPort()
    {
        using var local = Process(_cluster.Lab.FrontEnd, "greet", "8080", "frontend");
        _cluster.Lab.Exec(_cluster.Lab.FrontEnd, "sh", "-c", "for i in $(seq 100); do ss -Hltn 'sport = :8080' | grep -q . && exit 0; sleep 0.05; done");
        Ipfwadm("-I", "-a", "accept", "-P", "tcp", "-D", "1.2.3.4/32", "80", "-r", "8080");
        var (connection, error) = Connect(LabClient.Service);
        Assert.Equal(SocketError.Success, error);
        Assert.Equal("frontend", connection!.Node);
        connection.Dispose();
    }

    [Fact]
    public void TosRewriteChangesThePacketsTheRuleAccepts()
    {
        // and 0x01, xor 0x10: every byte becomes 0x10, or 0x11 when bit 0 was set (the kernel kept bit 0).
        Ipfwadm("-I", "-a", "accept", "-P", "udp", "-D", "10.0.0.1", "7777", "-t", "0x01", "0x10");
        Ipfwadm("-I", "-a", "deny", "-P", "udp", "-D", "10.0.0.1", "7779", "-t", "0x01", "0x10");
        var seen = TosAtNode1(() =>
        {
            SendWithTos(0x08, 7777);
            SendWithTos(0xe3, 7777);
            SendWithTos(0x08, 7778); // no rule: unchanged
            SendWithTos(0x08, 7779); // denied: never arrives
            SendWithTos(0x04, 7778); // the last datagram, so the receiver knows it has seen all
        }, expected: 4);
        Assert.Equal([(7777, 0x10), (7777, 0x11), (7778, 0x08), (7778, 0x04)], seen);
    }

    [Fact]
    public void InterfaceAddressMatchesTheInterfaceHoldingItAndFollowsItAtRunTime()
    {
        // 192.0.2.1 is fe-cl's, where the client's packets arrive.
        Ipfwadm("-I", "-a", "deny", "-P", "tcp", "-D", "10.0.0.1", "80", "-V", "192.0.2.1");
        Assert.Equal(SocketError.TimedOut, Connect(Node1).Error);
        Ipfwadm("-I", "-f");

        // 198.51.100.1 starts on fe-lan, which the client's packets do not arrive on.
        FrontEnd("ip", "addr", "add", "198.51.100.1/32", "dev", "fe-lan");
        Ipfwadm("-I", "-a", "deny", "-P", "tcp", "-D", "10.0.0.1", "80", "-V", "198.51.100.1");
        Assert.Equal(SocketError.Success, ConnectOnce(Node1));
        FrontEnd("ip", "addr", "add", "198.51.100.1/32", "dev", "fe-cl");
        Assert.Equal(SocketError.TimedOut, Eventually(SocketError.TimedOut));
        FrontEnd("ip", "addr", "del", "198.51.100.1/32", "dev", "fe-cl");
        Assert.Equal(SocketError.Success, Eventually(SocketError.Success));
        FrontEnd("ip", "addr", "del", "198.51.100.1/32", "dev", "fe-lan");
        Assert.Equal(SocketError.Success, ConnectOnce(Node1)); // no interface holds it: the rule matches nothing
    }

    private void FrontEnd(params string[] command)
    {
        var result = _cluster.Lab.Exec(_cluster.Lab.FrontEnd, command);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private SocketError ConnectOnce(IPEndPoint target)
    {
        var (connection, error) = Connect(target);
        connection?.Dispose();
        return error;
    }

    /// <summary>Connects to node 1 until the outcome is <paramref name="wanted"/> (clusterd re-renders after an address event), for at most 10 tries; the last outcome.</summary>
    private SocketError Eventually(SocketError wanted)
    {
        var outcome = ConnectOnce(Node1);
        for (int i = 0; i < 10 && outcome != wanted; i++)
        {
            Thread.Sleep(200);
            outcome = ConnectOnce(Node1);
        }
        return outcome;
    }

    /// <summary>One datagram from the client to node 1 with the given TOS byte.</summary>
    private void SendWithTos(int tos, int port) => NetworkNamespace.Run(_cluster.Lab.Client, () =>
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.TypeOfService, tos);
        return socket.SendTo("tos"u8, new IPEndPoint(Node1.Address, port));
    });

    /// <summary>
    /// (destination port, TOS byte) of the UDP datagrams from the client that reach node 1 while
    /// <paramref name="send"/> runs, read from their IP headers by a raw socket on the node. The
    /// node's stack drops a datagram whose header checksum is wrong before a raw socket sees it.
    /// </summary>
    private List<(int Port, int Tos)> TosAtNode1(Action send, int expected)
    {
        using var raw = NetworkNamespace.Run(_cluster.Lab.Node(1), () =>
            new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Udp) { ReceiveTimeout = (int)Short.TotalMilliseconds });
        send();
        var seen = new List<(int Port, int Tos)>();
        var packet = new byte[2048];
        while (seen.Count < expected)
        {
            int length = raw.Receive(packet);
            int udp = (packet[0] & 0x0f) * 4;
            bool fromClient = length >= udp + 8 && new IPAddress(packet.AsSpan(12, 4)).Equals(IPAddress.Parse("192.0.2.2"));
            if (fromClient) seen.Add((packet[udp + 2] << 8 | packet[udp + 3], packet[1]));
        }
        return seen;
    }

    [Fact]
    public void ADecadeOldMasqueradingScriptRunsAndWorks()
    {
        string script = Path.Combine(_cluster.Daemon.Directory, "rc.firewall");
        File.WriteAllText(script, """
            #!/bin/sh
            # rc.firewall -- IP masquerading for the private net, in the style of the IP-Masquerade HOWTO
            PATH=$TOOLS:$PATH
            EXTIF=fe-lan
            INTNET=192.0.2.0/24
            ipfwadm -F -f
            ipfwadm -I -f
            ipfwadm -A -f
            ipfwadm -F -p deny
            # no spoofing: packets from outside claiming to be from the inside
            ipfwadm -I -a deny -V 0.0.0.0 -W $EXTIF -S $INTNET -D 0.0.0.0/0 -o
            ipfwadm -F -a m -S $INTNET -D 0.0.0.0/0
            # accounting on the outside interface
            ipfwadm -A in -a -W $EXTIF -P tcp -S 0/0 80
            ipfwadm -A out -a -W $EXTIF -P tcp -D 0/0 80
            ipfwadm -M -s 7200 10 160
            """);
        Directory.CreateDirectory(Path.Combine(_cluster.Daemon.Directory, "tools"));
        File.CreateSymbolicLink(Path.Combine(_cluster.Daemon.Directory, "tools", "ipfwadm"), Binaries.Ipfwadm);
        var run = CommandRunner.Run("sh", [script], new Dictionary<string, string>(_cluster.Daemon.ClientEnvironment)
        {
            ["TOOLS"] = Path.Combine(_cluster.Daemon.Directory, "tools"),
        });
        Assert.True(run.ExitCode == 0 && run.Stderr == "", run.ToString());

        var (connection, error) = Connect(Node1);
        Assert.Equal(SocketError.Success, error);
        Assert.Equal("10.0.0.254", connection!.PeerSeen); // masqueraded
        connection.Exchange("hello");
        connection.Dispose();
        string accounting = Ipfwadm("-A", "-l", "-n", "-x");
        var counts = accounting.Split('\n').Skip(2).Where(l => l.Length > 0)
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0])).ToList();
        Assert.All(counts, packets => Assert.True(packets > 0, accounting)); // replies in, requests out
        Assert.Equal("IP firewall forward rules, default policy: deny\n", Ipfwadm("-F", "-l").Split('\n')[0] + "\n");
    }

    private static ProcessHandle Process(string netns, params string[] args) =>
        new(System.Diagnostics.Process.Start(CommandRunner.StartInfo("ip", ["netns", "exec", netns, Binaries.Path("bench/Bench", "ipc-bench"), .. args]))!);

    /// <summary>A process this test started, ended by PID when the test ends.</summary>
    private sealed class ProcessHandle(System.Diagnostics.Process process) : IDisposable
    {
        public void Dispose()
        {
            process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
    }

    public void Dispose() => _cluster.Dispose();
}
