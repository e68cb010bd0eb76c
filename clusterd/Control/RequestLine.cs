using System.Buffers;
using ClusterControl;

namespace Clusterd.Control;

/// <summary>
/// One request line read off a control connection into pooled memory: the buffer starts small and
/// grows only as the line does, up to <see cref="ControlProtocol.MaxRequestBytes"/>, so a request
/// (a few hundred bytes) costs no fresh 64 KiB array, and a flood of clients leaves no garbage.
/// Dispose gives the memory back.
/// </summary>
public sealed class RequestLine : IDisposable
{
    /// <summary>Outcome of <see cref="ReadAsync"/>.</summary>
    public enum Result { Line, Closed, TooLarge }

    private const int InitialSize = 4096;

    /// <summary>The longest line with its newline.</summary>
    private const int Limit = ControlProtocol.MaxRequestBytes + 1;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _length;

    /// <summary>The line, without its newline; valid after <see cref="ReadAsync"/> returned <see cref="Result.Line"/>, until Dispose.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    /// <summary>Reads until the first newline, the peer's end, or the limit.</summary>
    public async Task<Result> ReadAsync(Stream stream, CancellationToken deadline)
    {
        int filled = 0;
        while (true)
        {
            int room = Math.Min(_buffer.Length, Limit) - filled;
            if (room == 0)
            {
                if (filled >= Limit) return Result.TooLarge;
                Grow(filled);
                continue;
            }
            int read = await stream.ReadAsync(_buffer.AsMemory(filled, room), deadline);
            if (read == 0) return Result.Closed;
            int newline = Array.IndexOf(_buffer, (byte)'\n', filled, read);
            filled += read;
            if (newline >= 0)
            {
                _length = newline;
                return Result.Line;
            }
        }
    }

    private void Grow(int filled)
    {
        var larger = ArrayPool<byte>.Shared.Rent(Math.Min(_buffer.Length * 2, Limit));
        _buffer.AsSpan(0, filled).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
