using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ProcfsShim.Fuse;

/// <summary>
/// One worker's reply buffer: a reply's payload is built in place behind room for its header,
/// then header and payload go to the device in one write, as the kernel wants them.
/// </summary>
public sealed class FuseReply(FuseDevice device, int maxPayload)
{
    private static readonly int HeaderSize = Unsafe.SizeOf<FuseOutHeader>();

    private readonly byte[] _buffer = new byte[HeaderSize + maxPayload];

    /// <summary>Where to build a payload of at most <paramref name="length"/> bytes.</summary>
    public Span<byte> Payload(int length) => _buffer.AsSpan(HeaderSize, Math.Min(length, maxPayload));

    /// <summary>Sends a payload that is one struct. Each send returns whether the kernel took the reply.</summary>
    public bool SendStruct<T>(in FuseInHeader request, T payload) where T : struct
    {
        MemoryMarshal.Write(Payload(Unsafe.SizeOf<T>()), in payload);
        return SendPayload(request, Unsafe.SizeOf<T>());
    }

    /// <summary>Sends the <paramref name="payloadLength"/> bytes built in <see cref="Payload"/>.</summary>
    public bool SendPayload(in FuseInHeader request, int payloadLength) => Write(request, 0, payloadLength);

    /// <summary>Sends an errno (positive), or 0 for success without a payload.</summary>
    public bool SendError(in FuseInHeader request, int errno) => Write(request, -errno, 0);

    private bool Write(in FuseInHeader request, int error, int payloadLength)
    {
        int length = HeaderSize + payloadLength;
        var header = new FuseOutHeader { Length = (uint)length, Error = error, Unique = request.Unique };
        MemoryMarshal.Write(_buffer, in header);
        return device.Write(_buffer.AsSpan(0, length));
    }
}
