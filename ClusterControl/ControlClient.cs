using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClusterControl;

/// <summary>
/// The client side of <see cref="ControlProtocol"/>: one request, one answer, an optional body.
/// Never waits for ever: connecting, and every read after it, give up after
/// <see cref="ControlProtocol.ClientTimeout"/> with one line saying so.
/// </summary>
public sealed class ControlClient : IDisposable
{
    private readonly NetworkStream _connection;

    /// <summary>
    /// What has been received and not yet taken: the answer line is read from here, as a socket
    /// read per byte made a listing of 10,000 rules (4 MB on one line) take seconds, and the start
    /// of the body that came with it is handed out before the socket is read again. Not a
    /// BufferedStream: its Read, given part of a request from its buffer, reads the socket for the
    /// rest and so waits on a daemon that sends the rest only once the first bytes are read.
    /// </summary>
    private readonly byte[] _received = new byte[BufferSize];
    private int _taken, _filled;
    private readonly TimeSpan _timeout;

    private ControlClient(Socket socket, TimeSpan timeout)
    {
        _timeout = timeout;
        _connection = new NetworkStream(socket, ownsSocket: true);
    }

    public string SocketPath { get; private init; } = "";

    /// <summary>Connects, or throws <see cref="ControlUnreachableException"/> saying why in words a user can act on.</summary>
    /// <remarks>
    /// The connect is a blocking one, bounded by the send timeout: a Unix socket whose listen
    /// backlog is full (local users crowding it can cause that) makes a blocking connect wait for
    /// room until that timeout, while clusterd drains it, and only then fail with EAGAIN. Blocking
    /// also keeps a command's run short: an asynchronous connect with a cancellation timer starts
    /// .NET's socket event loop and timer threads, which a command that makes one exchange does
    /// not need.
    /// </remarks>
    /// <param name="deadline">The patience for connecting and each read; by default <see cref="ControlProtocol.ClientTimeout"/>.</param>
    public static ControlClient Connect(string socketPath, TimeSpan? deadline = null)
    {
        var timeout = deadline ?? ControlProtocol.ClientTimeout();
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.SendTimeout = socket.ReceiveTimeout = (int)Math.Ceiling(timeout.TotalMilliseconds);
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return new ControlClient(socket, timeout) { SocketPath = socketPath };
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            socket.Dispose();
            throw new ControlUnreachableException(e is SocketException { SocketErrorCode: SocketError.WouldBlock or SocketError.TimedOut }
                ? TimedOut(socketPath, timeout)
                : $"cannot reach clusterd at {socketPath}: {(e is SocketException se ? Describe(se.SocketErrorCode) : "bad socket path")}");
        }
    }

    private const int BufferSize = 64 * 1024;

    /// <summary>Sends the request and reads the answer line; the body, if any, is left in <see cref="Body"/>.</summary>
    public ControlAnswer Send(ControlRequest request)
    {
        try
        {
            WriteRequest(request);
            string? answerLine = ReadLine();
            return answerLine is null
                ? throw new ControlUnreachableException($"clusterd at {SocketPath} closed the connection without answering")
                : JsonSerializer.Deserialize(answerLine, ControlJson.Default.ControlAnswer)
                  ?? throw new ControlUnreachableException($"clusterd at {SocketPath} gave an empty answer");
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException)
        {
            throw Lost(e);
        }
    }

    /// <summary>
    /// Sends the request line. clusterd may refuse without reading it (a user over its connection
    /// quota) and hang up, so a write that fails on a closed connection is not the end: the refusal
    /// is waiting to be read.
    /// </summary>
    private void WriteRequest(ControlRequest request)
    {
        byte[] line = [.. JsonSerializer.SerializeToUtf8Bytes(request, ControlJson.Default.ControlRequest), (byte)'\n'];
        try
        {
            _connection.Write(line);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.Shutdown or SocketError.ConnectionReset })
        {
        }
    }

    /// <summary>Copies the body to <paramref name="destination"/> as it arrives.</summary>
    public void CopyBodyTo(Stream destination)
    {
        try
        {
            destination.Write(_received, _taken, _filled - _taken);
            _taken = _filled;
            _connection.CopyTo(destination);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw Lost(e);
        }
    }

    /// <summary>Reads the next part of the body as it arrives, into <paramref name="buffer"/>: how many bytes, 0 at its end.</summary>
    public int ReadBody(Span<byte> buffer)
    {
        try
        {
            if (_taken == _filled) return _connection.Read(buffer);
            int length = Math.Min(buffer.Length, _filled - _taken);
            _received.AsSpan(_taken, length).CopyTo(buffer);
            _taken += length;
            return length;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw Lost(e);
        }
    }

    private ControlUnreachableException Lost(Exception e) =>
        (e as SocketException ?? e.InnerException as SocketException)?.SocketErrorCode == SocketError.TimedOut
            ? new ControlUnreachableException(TimedOut(SocketPath, _timeout))
            : new ControlUnreachableException($"lost clusterd at {SocketPath}: {e.Message}");

    private static string TimedOut(string socketPath, TimeSpan timeout) =>
        $"clusterd at {socketPath} did not answer within {timeout.TotalSeconds:0.###} s ({ControlProtocol.TimeoutEnvironmentVariable} sets the limit)";

    /// <summary>Reads up to '\n'; what was received past it is the start of the body, taken next.</summary>
    private string? ReadLine()
    {
        var line = new MemoryStream();
        while (true)
        {
            int end = Array.IndexOf(_received, (byte)'\n', _taken, _filled - _taken);
            if (end >= 0)
            {
                line.Write(_received, _taken, end - _taken);
                _taken = end + 1;
                return Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
            }
            line.Write(_received, _taken, _filled - _taken);
            _taken = _filled = 0;
            _filled = _connection.Read(_received);
            if (_filled == 0) return line.Length == 0 ? null : Encoding.UTF8.GetString(line.GetBuffer(), 0, (int)line.Length);
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no such socket",
        SocketError.AccessDenied => "permission denied",
        _ => error.ToString(),
    };

    public void Dispose() => _connection.Dispose();
}

/// <summary>clusterd could not be reached or stopped answering; the message is ready to print.</summary>
public sealed class ControlUnreachableException(string message) : Exception(message);
