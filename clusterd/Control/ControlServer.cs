using System.Net.Sockets;
using System.Text.Json;
using ClusterControl;

namespace Clusterd.Control;

/// <summary>
/// Serves <see cref="ControlProtocol"/> on a Unix socket. Each connection is handled on its own task
/// with a deadline, so a slow or silent client holds up nobody else, and nothing a client sends —
/// garbage, a huge line, a half request — can do more than get itself an error answer.
/// </summary>
public sealed class ControlServer(string socketPath, RequestHandler handler) : IDisposable
{
    /// <summary>Clients served at once; more wait in the listen backlog.</summary>
    private const int MaxClients = 64;

    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly SemaphoreSlim _slots = new(MaxClients);
    private bool _bound;

    /// <summary>How long a client may leave a body unread before it is dropped.</summary>
    private static readonly TimeSpan BodyTimeout = TimeSpan.FromSeconds(30);

    public void Listen()
    {
        string? directory = Path.GetDirectoryName(socketPath);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        RemoveStaleSocket();
        _listener.Bind(new UnixDomainSocketEndPoint(socketPath));
        _bound = true;
        File.SetUnixFileMode(socketPath, (UnixFileMode)0b110_110_110); // anyone may read; SO_PEERCRED guards changes
        _listener.Listen(128);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                await _slots.WaitAsync(stopping);
                client = await _listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(client); }
                finally { _slots.Release(); }
            }, CancellationToken.None);
        }
    }

    private async Task ServeAsync(Socket client)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            using var deadline = new CancellationTokenSource(ControlProtocol.RequestTimeout);
            byte[]? line = await ReadRequestLineAsync(stream, deadline.Token);
            if (line is null) return;
            uint uid = PeerCredentials.Of(client).Uid;
            client.SendTimeout = (int)BodyTimeout.TotalMilliseconds;
            var reply = handler.Handle(line, uid);
            await WriteReplyAsync(stream, reply);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Log.Debug(2, $"control client dropped: {e.Message}");
        }
        catch (Exception e)
        {
            Log.Error($"control request failed: {e}");
        }
    }

    /// <summary>Reads one line of at most <see cref="ControlProtocol.MaxRequestBytes"/>; an overlong one is answered and dropped.</summary>
    private static async Task<byte[]?> ReadRequestLineAsync(NetworkStream stream, CancellationToken deadline)
    {
        var buffer = new byte[ControlProtocol.MaxRequestBytes + 1];
        int filled = 0;
        while (filled < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(filled), deadline);
            if (read == 0) return null;
            int newline = Array.IndexOf(buffer, (byte)'\n', filled, read);
            filled += read;
            if (newline >= 0) return buffer[..newline];
        }
        await WriteReplyAsync(stream, ControlReply.Fail(ControlError.BadRequest, "request too large"));
        return null;
    }

    private static async Task WriteReplyAsync(NetworkStream stream, ControlReply reply)
    {
        byte[] answer = JsonSerializer.SerializeToUtf8Bytes(reply.Answer, ControlJson.Default.ControlAnswer);
        await stream.WriteAsync(answer);
        stream.WriteByte((byte)'\n');
        reply.WriteBody?.Invoke(stream);
    }

    private void RemoveStaleSocket()
    {
        if (!File.Exists(socketPath)) return;
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException)
        {
            File.Delete(socketPath);
            return;
        }
        throw new IOException($"another clusterd is already serving {socketPath}");
    }

    public void Dispose()
    {
        _listener.Dispose();
        if (!_bound) return; // the path may be another daemon's socket
        try { File.Delete(socketPath); } catch (IOException) { }
    }
}
