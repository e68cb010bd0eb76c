using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ClusterControl;

/// <summary>The client side of <see cref="ControlProtocol"/>: one request, one answer, an optional body.</summary>
public sealed class ControlClient : IDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private ControlClient(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public string SocketPath { get; private init; } = "";

    /// <summary>Connects, or throws <see cref="ControlUnreachableException"/> saying why in words a user can act on.</summary>
    public static ControlClient Connect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            socket.Dispose();
            string reason = e is SocketException se ? Describe(se.SocketErrorCode) : "bad socket path";
            throw new ControlUnreachableException($"cannot reach clusterd at {socketPath}: {reason}");
        }
        return new ControlClient(socket) { SocketPath = socketPath };
    }

    /// <summary>Sends the request and reads the answer line; the body, if any, is left in <see cref="Body"/>.</summary>
    public ControlAnswer Send(ControlRequest request)
    {
        try
        {
            byte[] line = JsonSerializer.SerializeToUtf8Bytes(request, ControlJson.Default.ControlRequest);
            _stream.Write(line);
            _stream.WriteByte((byte)'\n');
            _stream.Flush();
            string? answerLine = ReadLine();
            return answerLine is null
                ? throw new ControlUnreachableException($"clusterd at {SocketPath} closed the connection without answering")
                : JsonSerializer.Deserialize(answerLine, ControlJson.Default.ControlAnswer)
                  ?? throw new ControlUnreachableException($"clusterd at {SocketPath} gave an empty answer");
        }
        catch (Exception e) when (e is IOException or SocketException or JsonException)
        {
            throw new ControlUnreachableException($"lost clusterd at {SocketPath}: {e.Message}");
        }
    }

    /// <summary>Copies the body to <paramref name="destination"/> as it arrives.</summary>
    public void CopyBodyTo(Stream destination)
    {
        try
        {
            _stream.CopyTo(destination);
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            throw new ControlUnreachableException($"lost clusterd at {SocketPath}: {e.Message}");
        }
    }

    /// <summary>Reads up to '\n' byte by byte, so nothing of the body is consumed with the answer line.</summary>
    private string? ReadLine()
    {
        var bytes = new List<byte>(256);
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString(bytes.ToArray());
            if (b == '\n') return Encoding.UTF8.GetString(bytes.ToArray());
            bytes.Add((byte)b);
        }
    }

    private static string Describe(SocketError error) => error switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported => "no such socket",
        SocketError.AccessDenied => "permission denied",
        _ => error.ToString(),
    };

    public void Dispose() => _stream.Dispose();
}

/// <summary>clusterd could not be reached or stopped answering; the message is ready to print.</summary>
public sealed class ControlUnreachableException(string message) : Exception(message);
