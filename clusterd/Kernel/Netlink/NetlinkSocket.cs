using System.Buffers;
using System.Runtime.InteropServices;
using Clusterd.Native;
using Tmds.Linux;

namespace Clusterd.Kernel.Netlink;

/// <summary>
/// A raw AF_NETLINK socket of the netfilter family. .NET's <see cref="System.Net.Sockets.Socket"/>
/// refuses this address family, so the few calls needed go to libc through Tmds.LibC, whose
/// structs (msghdr, mmsghdr, iovec, pollfd) have each architecture's layout.
/// </summary>
public sealed unsafe class NetlinkSocket : IDisposable
{
    private int _fd;

    /// <param name="groups">Multicast groups to join (netlink group numbers, 1-based), e.g. conntrack events.</param>
    /// <param name="receiveBuffer">SO_RCVBUFFORCE size; bursts of queued packets or events must fit.</param>
    /// <param name="protocol">The netlink family: netfilter unless routing (<see cref="Netlink.NETLINK_ROUTE"/>).</param>
    public NetlinkSocket(IEnumerable<int>? groups = null, int receiveBuffer = 8 << 20, int protocol = Netlink.NETLINK_NETFILTER)
    {
        _fd = LibC.socket(Netlink.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
        if (_fd < 0) throw Error("socket");
        var address = NetlinkAddress.Unbound;
        if (LibC.bind(_fd, (sockaddr*)&address, (uint)sizeof(NetlinkAddress)) < 0) throw Error("bind");
        SetOption(LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, receiveBuffer);
        foreach (int group in groups ?? []) SetOption(Netlink.SOL_NETLINK, Netlink.NETLINK_ADD_MEMBERSHIP, group);
    }

    /// <summary>Stops the kernel reporting ENOBUFS; for sockets where a lost message is harmless (the queue).</summary>
    public void IgnoreOverruns() => SetOption(Netlink.SOL_NETLINK, Netlink.NETLINK_NO_ENOBUFS, 1);

    public void Send(ReadOnlySpan<byte> message)
    {
        fixed (byte* bytes = message)
        {
            while (LibC.send(_fd, bytes, message.Length, 0) < 0)
            {
                int errno = LibC.errno;
                if (errno != LibC.EINTR) throw new NetlinkException("send", errno);
            }
        }
    }

    /// <summary>
    /// Receives one datagram (several messages), waiting at most <paramref name="timeoutMs"/>
    /// (-1 = forever). Returns 0 on timeout. Throws <see cref="NetlinkException"/> with ENOBUFS
    /// when the kernel dropped messages for want of buffer space.
    /// </summary>
    public int Receive(Span<byte> buffer, int timeoutMs = -1) => Receive(buffer, timeoutMs, peekOnly: false);

    /// <param name="peekOnly">Only wait until something can be read; returns 1 then, without reading.</param>
    private int Receive(Span<byte> buffer, int timeoutMs, bool peekOnly)
    {
        while (true)
        {
            if (timeoutMs >= 0)
            {
                var pfd = new pollfd { fd = _fd, events = LibC.POLLIN };
                int ready = LibcGaps.poll(&pfd, 1, timeoutMs);
                if (ready == 0) return 0;
                if (ready < 0)
                {
                    if (LibC.errno == LibC.EINTR) continue;
                    throw Error("poll");
                }
            }
            if (peekOnly) return 1;
            long received;
            fixed (byte* bytes = buffer) received = LibC.recv(_fd, bytes, buffer.Length, 0);
            if (received >= 0) return (int)received;
            int errno = LibC.errno;
            if (errno == LibC.EINTR) continue;
            throw new NetlinkException("recv", errno);
        }
    }

    /// <summary>
    /// Receives up to <paramref name="datagrams"/>.Count datagrams in one system call (recvmmsg),
    /// waiting at most <paramref name="timeoutMs"/> for the first; their lengths go to
    /// <paramref name="lengths"/>. Returns how many arrived (0 on timeout). The queue delivers
    /// each packet as its own datagram, so this is what lets one call carry a burst.
    /// </summary>
    public int ReceiveMany(byte[][] datagrams, int[] lengths, int timeoutMs)
    {
        if (Receive([], timeoutMs, peekOnly: true) == 0) return 0;
        int count = datagrams.Length;
        var handles = new System.Buffers.MemoryHandle[count];
        var vectors = stackalloc iovec[count];
        var headers = stackalloc mmsghdr[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                handles[i] = datagrams[i].AsMemory().Pin();
                vectors[i] = new iovec { iov_base = handles[i].Pointer, iov_len = datagrams[i].Length };
                headers[i] = new mmsghdr { msg_hdr = new msghdr { msg_iov = &vectors[i], msg_iovlen = 1 } };
            }
            while (true)
            {
                int received = LibcGaps.recvmmsg(_fd, headers, (uint)count, LibC.MSG_DONTWAIT, null);
                if (received >= 0)
                {
                    for (int i = 0; i < received; i++) lengths[i] = (int)headers[i].msg_len;
                    return received;
                }
                int errno = LibC.errno;
                if (errno == LibC.EINTR) continue;
                if (errno == LibC.EAGAIN) return 0;
                throw new NetlinkException("recvmmsg", errno);
            }
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }
    }

    /// <summary>Hands one message of a dump to its reader.</summary>
    public delegate void MessageVisitor(NetlinkMessage message);

    /// <summary>
    /// Sends a dump request (NLM_F_DUMP) and hands every message answering it to
    /// <paramref name="visit"/> until the kernel says the dump is done. An error answer, or
    /// silence for <paramref name="timeoutMs"/>, throws <see cref="NetlinkException"/>.
    /// </summary>
    public void Dump(ReadOnlySpan<byte> request, string what, MessageVisitor visit, int timeoutMs = 10_000)
    {
        uint sequence = BitConverter.ToUInt32(request[8..12]);
        Send(request);
        // Pooled: anyone may ask for the status, and a fresh 256 KiB array per dump lands on the
        // large object heap, which is seldom collected and never compacted — memory would creep.
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            while (true)
            {
                int length = Receive(buffer, timeoutMs);
                if (length == 0) throw new NetlinkException(what, LibC.ETIMEDOUT);
                foreach (var message in new NetlinkMessages(buffer.AsSpan(0, length)))
                {
                    if (message.Sequence != sequence) continue;
                    if (message.Type == Netlink.NLMSG_DONE) return;
                    if (message.Type == Netlink.NLMSG_ERROR)
                    {
                        if (message.ErrorCode < 0) throw new NetlinkException(what, -message.ErrorCode);
                        return;
                    }
                    visit(message);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends a request with NLM_F_ACK set and waits for its acknowledgement; a negative error throws.</summary>
    public void Acknowledged(ReadOnlySpan<byte> request, int timeoutMs = 5000)
    {
        Send(request);
        uint seq = BitConverter.ToUInt32(request[8..12]);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            int length = Receive(buffer, timeoutMs);
            if (length == 0) throw new NetlinkException("no acknowledgement", LibC.ETIMEDOUT);
            foreach (var message in new NetlinkMessages(buffer.AsSpan(0, length)))
            {
                if (message.Type != Netlink.NLMSG_ERROR || message.Sequence != seq) continue;
                int error = message.ErrorCode;
                if (error < 0) throw new NetlinkException("request", -error);
                return;
            }
        }
    }

    private void SetOption(int level, int name, int value)
    {
        if (LibC.setsockopt(_fd, level, name, &value, sizeof(int)) < 0) throw Error($"setsockopt({level},{name})");
    }

    private static NetlinkException Error(string what) => new(what, LibC.errno);

    public void Dispose()
    {
        if (_fd >= 0) LibC.close(_fd);
        _fd = -1;
    }
}

/// <summary>A netlink call failed; <see cref="Errno"/> is the kernel's error number.</summary>
public sealed class NetlinkException(string operation, int errno)
    : Exception($"{operation}: {Marshal.GetPInvokeErrorMessage(errno)}")
{
    public int Errno { get; } = errno;

    /// <summary>The kernel dropped messages for want of buffer space; for callers that do not otherwise use libc.</summary>
    public static int ENOBUFS => LibC.ENOBUFS;
}
