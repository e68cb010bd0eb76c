using System.Net.Sockets;
using System.Text;
using TestSupport;
using Xunit.Abstractions;

namespace Clusterd.Tests;

/// <summary>
/// Tens of thousands of hostile control requests (garbage, malformed and oversized lines, status
/// dumps, half requests): clusterd's memory levels off instead of creeping. Run by <c>make stress</c>.
/// </summary>
public sealed class HostileRequestMemoryTests(ITestOutputHelper output) : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private static readonly byte[][] Requests =
    [
        "{\"version\":1,\"op\":\"Status\"}\n"u8.ToArray(),
        "{\"version\":1,\"op\":\"Firewall\",\"firewall\":{\"command\":\"ListMasquerade\"}}\n"u8.ToArray(),
        "{\"version\":1,\"op\":\"Firewall\",\"firewall\":{\"command\":\"Append\",\"rules\":[null]}}\n"u8.ToArray(),
        "{\"version\":1,\"op\":\"Add\",\"pool\":[1,2],\"node\":\"999.1.1.1\"}\n"u8.ToArray(),
        "{\"version\":1,\"op\":\"List\"}\n"u8.ToArray(),
        "{\"version\":1,"u8.ToArray(),                                                   // half a request, then hang up
        Encoding.ASCII.GetBytes(new string('x', 70_000) + "\n"),                          // over the limit
        Encoding.ASCII.GetBytes("{\"version\":1,\"op\":\"List\",\"pool\":\"" + new string('p', 60_000) + "\"}\n"),
    ];

    [Fact]
    [Trait("Category", "Stress")]
    public void FortyThousandHostileRequestsLeaveMemoryLevel()
    {
        Send(10_000); // warm up: pools, JIT, the heap's working size
        long warm = _daemon.ResidentKilobytes();
        Send(20_000);
        long middle = _daemon.ResidentKilobytes();
        Send(20_000);
        long end = _daemon.ResidentKilobytes();
        output.WriteLine($"RSS after 10k hostile requests {warm / 1024} MB, after 30k {middle / 1024} MB, after 50k {end / 1024} MB");
        Assert.InRange(end - warm, long.MinValue, 10 * 1024);
        Assert.InRange(end - middle, long.MinValue, 5 * 1024); // levelled off
    }

    private void Send(int count)
    {
        int next = -1;
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                socket.Connect(new UnixDomainSocketEndPoint(_daemon.SocketPath));
                try
                {
                    socket.Send(Requests[i % Requests.Length]);
                    socket.Shutdown(SocketShutdown.Send);
                    var buffer = new byte[4096];
                    while (socket.Receive(buffer) > 0) { }
                }
                catch (SocketException) { } // clusterd hung up on an oversized line before reading it all
            }
        })).ToArray();
        Task.WaitAll(senders);
    }

    public void Dispose() => _daemon.Dispose();
}
