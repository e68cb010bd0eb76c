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
    /// <summary>The last sequence number given; each request's messages take the next ones.</summary>
    private uint _sequence;

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
        foreach (int group in groups ?? []) SetOption(LibC.SOL_NETLINK, Netlink.NETLINK_ADD_MEMBERSHIP, group);
    }

    /// <summary>Stops the kernel reporting ENOBUFS; for sockets where a lost message is harmless (the queue).</summary>
    public void IgnoreOverruns() => SetOption(LibC.SOL_NETLINK, Netlink.NETLINK_NO_ENOBUFS, 1);

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
    /// Receives up to <see cref="DatagramBatch.Slots"/> datagrams in one system call (recvmmsg) into
    /// <paramref name="batch"/>, waiting at most <paramref name="timeoutMs"/> for the first. Returns
    /// how many arrived (0 on timeout). The queue delivers each packet as its own datagram, so this
    /// is what lets one call carry a burst.
    /// </summary>
    public int ReceiveMany(DatagramBatch batch, int timeoutMs)
    {
        batch.Count = 0;
        if (Receive([], timeoutMs, peekOnly: true) == 0) return 0;
        int count = batch.Slots;
        var vectors = stackalloc iovec[count];
        var headers = stackalloc mmsghdr[count];
        fixed (byte* block = batch.Block)
        {
            for (int i = 0; i < count; i++)
            {
                vectors[i] = new iovec { iov_base = block + i * batch.SlotSize, iov_len = batch.SlotSize };
                headers[i] = new mmsghdr { msg_hdr = new msghdr { msg_iov = &vectors[i], msg_iovlen = 1 } };
            }
            while (true)
            {
                int received = LibcGaps.recvmmsg(_fd, headers, (uint)count, LibC.MSG_DONTWAIT, null);
                if (received >= 0)
                {
                    for (int i = 0; i < received; i++) batch.SetLength(i, (int)headers[i].msg_len);
                    batch.Count = received;
                    return received;
                }
                int errno = LibC.errno;
                if (errno == LibC.EINTR) continue;
                if (errno == LibC.EAGAIN) return 0;
                throw new NetlinkException("recvmmsg", errno);
            }
        }
    }

    /// <summary>Hands one message of a dump to its reader.</summary>
    public delegate void MessageVisitor(NetlinkMessage message);

    /// <summary>
    /// Sends the request (one dump message, NLM_F_DUMP) and hands every message answering it to
    /// <paramref name="visit"/> until the kernel says the dump is done. An error answer, or
    /// silence for <paramref name="timeoutMs"/>, throws <see cref="NetlinkException"/>.
    /// </summary>
    public void Dump(NetlinkWriter request, string what, MessageVisitor visit, int timeoutMs = 10_000) =>
        Exchange(request, what, visit, timeoutMs);

    /// <summary>
    /// Sends the request's lookups (several messages make one datagram, each asking NLM_F_ACK) and
    /// hands every answer to <paramref name="visit"/> until each lookup is acknowledged. A lookup the
    /// kernel holds nothing for is answered ENOENT: no error, it has no answer. Any other error, or
    /// silence for <paramref name="timeoutMs"/>, throws <see cref="NetlinkException"/>.
    /// </summary>
    public void LookUp(NetlinkWriter request, string what, MessageVisitor visit, int timeoutMs = 5000) =>
        Exchange(request, what, visit, timeoutMs, absentIsAnswered: true);

    /// <summary>
    /// Sends the request's messages (several make one datagram, e.g. an nf_tables transaction) and
    /// waits until each that asked for it (NLM_F_ACK) is acknowledged. The first error answer to
    /// any of them, or silence for <paramref name="timeoutMs"/>, throws <see cref="NetlinkException"/>.
    /// </summary>
    public void Acknowledged(NetlinkWriter request, string what = "request", int timeoutMs = 5000) =>
        Exchange(request, what, visit: null, timeoutMs);

    /// <summary>
    /// As <see cref="Acknowledged"/>, for messages that each name one object (a deletion, say): one
    /// the kernel holds nothing for is answered ENOENT, which is no error. Returns how many were.
    /// </summary>
    public int AcknowledgedOrAbsent(NetlinkWriter request, string what, int timeoutMs = 5000) =>
        Exchange(request, what, visit: null, timeoutMs, absentIsAnswered: true);

    /// <summary>
    /// The one request loop: numbers the request's messages from this socket's sequence, sends them,
    /// and reads answers until every message waiting for one has it — an acknowledgement or error
    /// (NLMSG_ERROR) or the end of a dump (NLMSG_DONE). Answers to earlier requests (a late error
    /// after a timeout) and multicast messages carry other sequence numbers and are passed over.
    /// </summary>
    /// <param name="visit">Receives the answers that are neither acknowledgement nor error; for a dump, its messages (the dump request is then the one awaited).</param>
    /// <param name="absentIsAnswered">An ENOENT error answers its message rather than failing the request.</param>
    /// <returns>How many messages were answered ENOENT.</returns>
    private int Exchange(NetlinkWriter request, string what, MessageVisitor? visit, int timeoutMs, bool absentIsAnswered = false)
    {
        uint first = _sequence + 1;
        int count = request.Number(first);
        _sequence += (uint)count;
        int waiting = 0, absent = 0;
        foreach (var message in new NetlinkMessages(request.Written))
            if ((message.Flags & Netlink.NLM_F_ACK) != 0 || visit is not null && (message.Flags & Netlink.NLM_F_DUMP) != 0) waiting++;
        Send(request.Written);
        // Pooled: anyone may ask for the status, and a fresh 256 KiB array per dump lands on the
        // large object heap, which is seldom collected and never compacted — memory would creep.
        var buffer = ArrayPool<byte>.Shared.Rent(256 * 1024);
        try
        {
            while (waiting > 0)
            {
                int length = Receive(buffer, timeoutMs);
                if (length == 0) throw new NetlinkException(what, LibC.ETIMEDOUT);
                foreach (var message in new NetlinkMessages(buffer.AsSpan(0, length)))
                {
                    if (message.Sequence - first >= (uint)count) continue;
                    switch (message.Type)
                    {
                        case Netlink.NLMSG_ERROR when absentIsAnswered && message.ErrorCode == -LibC.ENOENT: absent++; waiting--; break;
                        case Netlink.NLMSG_ERROR when message.ErrorCode < 0: throw new NetlinkException(what, -message.ErrorCode);
                        case Netlink.NLMSG_ERROR or Netlink.NLMSG_DONE: waiting--; break;
                        default: visit?.Invoke(message); break;
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return absent;
    }

    /// <summary>Has the kernel run <paramref name="program"/> on every message before it queues it: what the program drops never wakes a reader.</summary>
    public void AttachFilter(SocketFilterInstruction[] program)
    {
        fixed (SocketFilterInstruction* code = program)
        {
            var attached = new SocketFilterProgram { Length = checked((ushort)program.Length), Code = code };
            if (LibC.setsockopt(_fd, LibC.SOL_SOCKET, LibC.SO_ATTACH_FILTER, &attached, (uint)sizeof(SocketFilterProgram)) < 0)
                throw Error("setsockopt(SO_ATTACH_FILTER)");
        }
    }

    private void SetOption(int level, int name, int value)
    {
        if (LibC.setsockopt(_fd, level, name, &value, sizeof(int)) < 0) throw Error($"setsockopt({level},{name})");
    }

    private static NetlinkException Error(string what) => new(what, LibC.errno);

    public void Dispose()
    {
        if (_fd >= 0) _ = LibC.close(_fd); // a netlink socket has nothing unwritten to lose
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
