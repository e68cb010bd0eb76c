using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ClusterControl;

namespace ProcfsShim.Tests;

/// <summary>
/// A test double of clusterd that answers every request with <paramref name="status"/>, but only
/// after <paramref name="delay"/>; given <paramref name="pauseAt"/>, it sends the body up to that
/// byte and the rest only once <see cref="Resume"/> is set.
/// </summary>
public sealed class SlowClusterd : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly string _status;
    private readonly TimeSpan _delay;
    private readonly int? _pauseAt;

    /// <summary>Lets the body go on past <c>pauseAt</c>.</summary>
    public ManualResetEventSlim Resume { get; }

    /// <summary>Set when a whole body has been sent (into the socket: the reader may not have read it).</summary>
    public ManualResetEventSlim Sent { get; } = new();

    public string SocketPath { get; } = Path.Combine(Path.GetTempPath(), $"slow-clusterd-{Guid.NewGuid():n}.sock");

    public SlowClusterd(string status, TimeSpan delay, int? pauseAt = null)
    {
        _status = status;
        _delay = delay;
        _pauseAt = pauseAt;
        Resume = new ManualResetEventSlim(initialState: pauseAt is null);
        _listener.Bind(new UnixDomainSocketEndPoint(SocketPath));
        _listener.Listen();
        new Thread(AcceptAll) { IsBackground = true }.Start();
    }

    private void AcceptAll()
    {
        try
        {
            while (true)
            {
                var client = _listener.Accept();
                new Thread(() => Answer(client)) { IsBackground = true }.Start();
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // disposed
        }
    }

    private void Answer(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            while (stream.ReadByte() is not (-1 or '\n')) { } // the request line
            Thread.Sleep(_delay);
            stream.Write(JsonSerializer.SerializeToUtf8Bytes(ControlAnswer.WithBody, ControlJson.Default.ControlAnswer));
            stream.Write("\n"u8);
            byte[] body = Encoding.UTF8.GetBytes(_status);
            int pause = _pauseAt ?? body.Length;
            stream.Write(body.AsSpan(0, pause));
            Resume.Wait();
            stream.Write(body.AsSpan(pause));
            Sent.Set();
        }
        catch (IOException)
        {
            // The client gave up before the slow answer came (a probe, or a test already over):
            // a thread of the test host must not crash it for that.
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        File.Delete(SocketPath);
    }
}
