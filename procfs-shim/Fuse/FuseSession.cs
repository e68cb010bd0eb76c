using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ProcfsShim.Fuse;

/// <summary>
/// The protocol layer: reads requests from the device, decodes them, asks the file system, and
/// writes replies. It owns what the kernel holds: node ids and their lookup counts
/// (<see cref="NodeTable{TNode}"/>), open file handles, and open directories, each listed once at
/// OPENDIR so that the chunks READDIR asks for come from one snapshot (<see cref="HandleTable{T}"/>);
/// a file system deals only in its own nodes and files. It dispatches on the capabilities the file
/// system implements: ENOSYS for a missing one, EROFS if the request would change something.
/// Several workers read the device at once (the kernel hands each read one whole request, and a
/// reply may be written from any thread), so one slow request, a status snapshot waiting on
/// clusterd, does not hold up the others.
/// </summary>
public sealed class FuseSession<TNode> where TNode : notnull
{
    private const uint ProtocolMajor = 7, ProtocolMinor = 31;
    private const int MaxWrite = 128 * 1024;
    /// <summary>Room for the largest request the kernel sends (a write of MaxWrite plus headers).</summary>
    private const int RequestBufferSize = MaxWrite + 64 * 1024;
    /// <summary>Attributes and entries are not cached: the status file changes all the time.</summary>
    private const ulong Validity = 0;
    /// <summary>Enough for a few slow requests at once; each worker holds only its two buffers.</summary>
    private const int Workers = 4;

    private readonly FuseDevice _device;
    private readonly IFuseFileSystem<TNode> _fileSystem;
    private readonly Action<string>? _trace;
    private readonly NodeTable<TNode> _nodes;
    private readonly HandleTable<IFuseFile> _files = new();
    private readonly HandleTable<IReadOnlyList<DirectoryEntry>> _directories = new();

    /// <param name="trace">Told how many nodes are held each time the kernel forgets some (--debug).</param>
    public FuseSession(FuseDevice device, IFuseFileSystem<TNode> fileSystem, Action<string>? trace = null)
    {
        _device = device;
        _fileSystem = fileSystem;
        _trace = trace;
        _nodes = new NodeTable<TNode>(fileSystem.Root);
    }

    /// <summary>Serves requests until the file system is unmounted.</summary>
    public void Run()
    {
        var workers = Enumerable.Range(0, Workers).Select(i => new Thread(Serve) { IsBackground = true, Name = $"fuse-{i}" }).ToList();
        workers.ForEach(worker => worker.Start());
        workers.ForEach(worker => worker.Join());
    }

    private void Serve()
    {
        var request = new byte[RequestBufferSize];
        var reply = new FuseReply(_device, MaxWrite);
        int headerSize = Unsafe.SizeOf<FuseInHeader>();
        while (true)
        {
            int length = _device.Read(request);
            if (length == 0) return;
            if (length < headerSize) continue;
            var header = MemoryMarshal.Read<FuseInHeader>(request);
            if (header.Opcode == FuseOpcode.Destroy) return;
            try
            {
                Dispatch(header, request.AsSpan(headerSize, length - headerSize), reply);
            }
            catch (Exception e) // a malformed request or a file-system bug fails that request, never the server
            {
                Console.Error.WriteLine($"procfs-shim: {header.Opcode} failed: {e.Message}");
                if (!IsUnanswered(header.Opcode)) reply.SendError(header, LibC.EIO);
            }
        }
    }

    private static bool IsUnanswered(FuseOpcode opcode) => opcode is FuseOpcode.Forget or FuseOpcode.BatchForget or FuseOpcode.Interrupt;

    private void Dispatch(in FuseInHeader header, ReadOnlySpan<byte> body, FuseReply reply)
    {
        switch (header.Opcode)
        {
            case FuseOpcode.Init:
                var init = MemoryMarshal.Read<FuseInitIn>(body);
                reply.SendStruct(header, new FuseInitOut
                {
                    Major = ProtocolMajor,
                    Minor = ProtocolMinor,
                    MaxReadahead = init.MaxReadahead,
                    MaxBackground = 16,
                    CongestionThreshold = 12,
                    MaxWrite = MaxWrite,
                    TimeGranularity = 1,
                });
                break;
            case FuseOpcode.Forget:
                _nodes.Forget(header.NodeId, MemoryMarshal.Read<FuseForgetIn>(body).Lookups);
                TraceForgotten(1);
                break;
            case FuseOpcode.BatchForget:
                var batch = MemoryMarshal.Read<FuseBatchForgetIn>(body);
                var forgets = MemoryMarshal.Cast<byte, FuseForgetOne>(body[Unsafe.SizeOf<FuseBatchForgetIn>()..]);
                forgets = forgets[..(int)Math.Min(batch.Count, (uint)forgets.Length)];
                foreach (var forget in forgets) _nodes.Forget(forget.NodeId, forget.Lookups);
                TraceForgotten(forgets.Length);
                break;
            case FuseOpcode.Interrupt:
                break; // no reply; the interrupted request still gets its own
            case FuseOpcode.StatFs:
                reply.SendStruct(header, new FuseStatFsOut { BlockSize = 4096, NameLength = 255, FragmentSize = 4096 });
                break;
            case FuseOpcode.Flush or FuseOpcode.Fsync or FuseOpcode.FsyncDir or FuseOpcode.Access:
                reply.SendError(header, 0);
                break;
            case FuseOpcode.GetXAttr or FuseOpcode.ListXAttr:
                reply.SendError(header, LibC.ENODATA);
                break;
            case FuseOpcode.Create or FuseOpcode.MkNod or FuseOpcode.MkDir
                or FuseOpcode.Unlink or FuseOpcode.RmDir or FuseOpcode.Rename or FuseOpcode.Link
                or FuseOpcode.SetXAttr or FuseOpcode.RemoveXAttr:
                reply.SendError(header, LibC.EROFS);
                break;
            case FuseOpcode.Read:
                ReadFile(header, MemoryMarshal.Read<FuseReadIn>(body), reply);
                break;
            case FuseOpcode.Write:
                WriteFile(header, body, reply);
                break;
            case FuseOpcode.Release:
                _files.Remove(MemoryMarshal.Read<FuseReleaseIn>(body).FileHandle)?.Dispose();
                reply.SendError(header, 0);
                break;
            case FuseOpcode.ReleaseDir:
                _directories.Remove(MemoryMarshal.Read<FuseReleaseIn>(body).FileHandle);
                reply.SendError(header, 0);
                break;
            case FuseOpcode.ReadDir:
                ReadDirectory(header, MemoryMarshal.Read<FuseReadIn>(body), reply);
                break;
            default:
                if (_nodes.TryGet(header.NodeId, out var node)) DispatchOnNode(header, node, body, reply);
                else reply.SendError(header, LibC.ENOENT); // the kernel never names a node it was not given
                break;
        }
    }

    /// <summary>The requests about a node the kernel holds.</summary>
    private void DispatchOnNode(in FuseInHeader header, TNode node, ReadOnlySpan<byte> body, FuseReply reply)
    {
        switch (header.Opcode)
        {
            case FuseOpcode.Lookup:
                string name = Encoding.UTF8.GetString(body[..Math.Max(0, body.IndexOf((byte)0))]);
                int lookup = _fileSystem.Lookup(node, name, out var child, out var found);
                if (lookup != 0)
                {
                    reply.SendError(header, lookup);
                    break;
                }
                ulong id = _nodes.Remember(child);
                if (!reply.SendStruct(header, new FuseEntryOut { NodeId = id, EntryValid = Validity, AttrValid = Validity, Attr = found }))
                    _nodes.Forget(id, 1); // the kernel never saw this lookup, so it will never forget it
                break;
            case FuseOpcode.GetAttr:
                AnswerAttr(header, _fileSystem.GetAttr(node, out var attr), attr, reply);
                break;
            case FuseOpcode.SetAttr:
                var setattr = MemoryMarshal.Read<FuseSetAttrIn>(body);
                if ((setattr.Valid & FuseSetAttrIn.SizeIsValid) == 0) AnswerAttr(header, _fileSystem.GetAttr(node, out attr), attr, reply);
                else if (setattr.Size != 0 || _fileSystem is not IFuseTruncator<TNode> truncator) reply.SendError(header, LibC.EROFS);
                else AnswerAttr(header, truncator.Truncate(node, out attr), attr, reply);
                break;
            case FuseOpcode.Open when _fileSystem is IFuseFileOpener<TNode> opener:
                var open = MemoryMarshal.Read<FuseOpenIn>(body);
                int opened = opener.Open(node, open.Flags, header.Pid, out var file);
                if (opened != 0)
                {
                    reply.SendError(header, opened);
                    break;
                }
                ulong handle = _files.Add(file ?? throw new InvalidOperationException("open succeeded without a file"));
                if (!reply.SendStruct(header, new FuseOpenOut { FileHandle = handle, OpenFlags = FuseOpenOut.DirectIo }))
                    _files.Remove(handle)?.Dispose(); // the kernel gave up on the open: no RELEASE will come
                break;
            case FuseOpcode.OpenDir when _fileSystem is IFuseDirectoryLister<TNode> lister:
                int listed = lister.List(node, out var entries);
                if (listed != 0)
                {
                    reply.SendError(header, listed);
                    break;
                }
                ulong listing = _directories.Add(entries);
                if (!reply.SendStruct(header, new FuseOpenOut { FileHandle = listing }))
                    _directories.Remove(listing); // no RELEASEDIR will come
                break;
            case FuseOpcode.ReadLink when _fileSystem is IFuseLinkReader<TNode> links:
                int linked = links.ReadLink(node, header.Pid, out string target);
                if (linked != 0) reply.SendError(header, linked);
                else reply.SendPayload(header, Encoding.UTF8.GetBytes(target, reply.Payload(MaxWrite)));
                break;
            default:
                reply.SendError(header, LibC.ENOSYS);
                break;
        }
    }

    private static void AnswerAttr(in FuseInHeader header, int error, in FuseAttr attr, FuseReply reply)
    {
        if (error != 0) reply.SendError(header, error);
        else reply.SendStruct(header, new FuseAttrOut { AttrValid = Validity, Attr = attr });
    }

    private void ReadFile(in FuseInHeader header, in FuseReadIn read, FuseReply reply)
    {
        if (_files.Get(read.FileHandle) is not { } file)
        {
            reply.SendError(header, LibC.EBADF);
            return;
        }
        int error = file.Read(read.Offset, reply.Payload((int)Math.Min(read.Size, MaxWrite)), out int length);
        if (error != 0) reply.SendError(header, error);
        else reply.SendPayload(header, length);
    }

    private void WriteFile(in FuseInHeader header, ReadOnlySpan<byte> body, FuseReply reply)
    {
        var write = MemoryMarshal.Read<FuseWriteIn>(body);
        if (_files.Get(write.FileHandle) is not IFuseWritableFile file)
        {
            reply.SendError(header, LibC.EBADF);
            return;
        }
        var data = body[Unsafe.SizeOf<FuseWriteIn>()..];
        int error = file.Write(write.Offset, data[..(int)Math.Min(write.Size, (uint)data.Length)], out int written);
        if (error != 0) reply.SendError(header, error);
        else reply.SendStruct(header, new FuseWriteOut { Size = (uint)written });
    }

    /// <summary>
    /// The entries of the listing OPENDIR took, from the requested offset (each entry's offset is its
    /// index + 1), as many as fit the reply. Every chunk comes from that one listing, so entries
    /// appearing or going in between neither repeat nor skip a name, and a large directory is read
    /// from the file system once, not once per chunk.
    /// </summary>
    private void ReadDirectory(in FuseInHeader header, in FuseReadIn read, FuseReply reply)
    {
        if (_directories.Get(read.FileHandle) is not { } entries)
        {
            reply.SendError(header, LibC.EBADF);
            return;
        }
        var payload = reply.Payload((int)Math.Min(read.Size, MaxWrite));
        int fixedPart = Unsafe.SizeOf<FuseDirent>();
        int written = 0;
        for (int i = (int)Math.Min(read.Offset, (ulong)entries.Count); i < entries.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(entries[i].Name);
            int total = (fixedPart + name.Length + 7) & ~7;
            if (written + total > payload.Length) break;
            var slot = payload.Slice(written, total);
            slot.Clear();
            var dirent = new FuseDirent { Ino = entries[i].Ino, NextOffset = (ulong)i + 1, NameLength = (uint)name.Length, Type = entries[i].Type };
            MemoryMarshal.Write(slot, in dirent);
            name.CopyTo(slot[fixedPart..]);
            written += total;
        }
        reply.SendPayload(header, written);
    }

    private void TraceForgotten(int count) => _trace?.Invoke($"kernel forgot {count} node(s), {_nodes.Count} held");
}
