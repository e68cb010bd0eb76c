using System.Net.Sockets;
using System.Text.Json;
using ClusterControl;

namespace Clusterd.Control;

/// <summary>
/// Serves <see cref="ControlProtocol"/> on a Unix socket. Each connection is handled on its own task
/// with a deadline, so a slow or silent client holds up nobody else, and nothing a client sends —
/// garbage, a huge line, a half request — can do more than get itself an error answer. The caller
/// is known at accept (SO_PEERCRED): root is always served at once, any other user only within its
/// <see cref="ConnectionQuota"/>, so no local user can keep the administrator waiting.
/// </summary>
public sealed class ControlServer(string socketPath, RequestHandler handler) : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly ConnectionQuota _quota = new();
    private bool _bound;

    /// <summary>
    /// Connections waiting to be accepted. Every one is accepted at once and judged by its uid, but
    /// a crowd can arrive faster than a loaded machine accepts; room for it keeps root's connect from
    /// being refused (the kernel caps this at net.core.somaxconn).
    /// </summary>
    private const int Backlog = 1024;

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
        _listener.Listen(Backlog);
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            uint uid = PeerCredentials.Of(client).Uid;
            if (!_quota.TryTake(uid))
            {
                RefuseBusy(client, uid);
                continue;
            }
            _ = Task.Run(async () =>
            {
                try { await ServeAsync(client, uid); }
                finally { _quota.Release(uid); }
            }, CancellationToken.None);
        }
    }

    /// <summary>Answers a caller over its quota and hangs up, without ever waiting on it (the answer fits any socket buffer).</summary>
    private static void RefuseBusy(Socket client, uint uid)
    {
        using (client)
        {
            try
            {
                client.Blocking = false;
                var answer = ControlAnswer.Fail(ControlError.Busy,
                    $"uid {uid} already holds {ConnectionQuota.PerUser} connections to clusterd (or all users together {ConnectionQuota.AllOthers})");
                client.Send(AnswerLine(answer));
            }
            catch (SocketException) { }
        }
        Log.Debug(2, $"uid {uid}: over its connection quota");
    }

    private async Task ServeAsync(Socket client, uint uid)
    {
        using var stream = new NetworkStream(client, ownsSocket: true);
        try
        {
            using var line = new RequestLine();
            using (var deadline = new CancellationTokenSource(uid == 0 ? ControlProtocol.RootRequestTimeout : ControlProtocol.RequestTimeout))
            {
                switch (await line.ReadAsync(stream, deadline.Token))
                {
                    case RequestLine.Result.Closed: return;
                    case RequestLine.Result.TooLarge:
                        await WriteReplyAsync(stream, ControlReply.Fail(ControlError.BadRequest, "request too large"));
                        return;
                }
            }
            client.SendTimeout = (int)BodyTimeout.TotalMilliseconds;
            var reply = handler.Handle(line.Bytes, uid);
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

    private static async Task WriteReplyAsync(NetworkStream stream, ControlReply reply)
    {
        await stream.WriteAsync(AnswerLine(reply.Answer));
        reply.WriteBody?.Invoke(stream);
    }

    /// <summary>The answer and its newline in one write: a client reading the line wakes once for it, not once for each part.</summary>
    private static byte[] AnswerLine(ControlAnswer answer) =>
        [.. JsonSerializer.SerializeToUtf8Bytes(answer, ControlJson.Default.ControlAnswer), (byte)'\n'];

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
