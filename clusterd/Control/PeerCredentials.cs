using System.Buffers.Binary;
using System.Net.Sockets;

namespace Clusterd.Control;

/// <summary>Who is on the other end of a Unix socket, as the kernel vouches (SO_PEERCRED).</summary>
public readonly record struct PeerCredentials(int Pid, uint Uid, uint Gid)
{
    private const int SOL_SOCKET = 1, SO_PEERCRED = 17;

    /// <summary>Reads struct ucred { pid_t pid; uid_t uid; gid_t gid; }. An unreadable peer counts as nobody.</summary>
    public static PeerCredentials Of(Socket socket)
    {
        Span<byte> ucred = stackalloc byte[12];
        int length = socket.GetRawSocketOption(SOL_SOCKET, SO_PEERCRED, ucred);
        if (length < 12) return new PeerCredentials(0, uint.MaxValue, uint.MaxValue);
        return new PeerCredentials(
            BinaryPrimitives.ReadInt32LittleEndian(ucred),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(ucred[8..]));
    }
}
