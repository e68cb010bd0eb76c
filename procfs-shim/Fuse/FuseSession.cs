using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace ProcfsShim.Fuse;

/// <summary>
/// The protocol layer: reads requests from the device, decodes them, asks the file system, and
/// writes replies. Read-only: every request that would change something is answered EROFS.
/// </summary>
public sealed class FuseSession(FuseDevice device, IFuseFileSystem fileSystem)
{
    private const uint ProtocolMajor = 7, ProtocolMinor = 31;
    private const int MaxWrite = 128 * 1024;
    /// <summary>Room for the largest request the kernel sends (a write of MaxWrite plus headers).</summary>
    private const int RequestBufferSize = MaxWrite + 64 * 1024;
    /// <summary>Attributes and entries are not cached: the status file changes all the time.</summary>
    private const ulong Validity = 0;

    private readonly byte[] _request = new byte[RequestBufferSize];
    private readonly byte[] _reply = new byte[MaxWrite + 4096];

    /// <summary>Serves requests until the file system is unmounted.</summary>
    public void Run()
    {
        while (true)
        {
            int length = device.Read(_request);
            if (length == 0) return;
            if (length < Unsafe.SizeOf<FuseInHeader>()) continue;
            var header = MemoryMarshal.Read<FuseInHeader>(_request);
            var body = _request.AsSpan(Unsafe.SizeOf<FuseInHeader>(), length - Unsafe.SizeOf<FuseInHeader>());
            if (header.Opcode == FuseOpcode.Destroy) return;
            Dispatch(header, body);
        }
    }

    private void Dispatch(in FuseInHeader header, ReadOnlySpan<byte> body)
    {
        switch (header.Opcode)
        {
            case FuseOpcode.Init:
                var init = MemoryMarshal.Read<FuseInitIn>(body);
                Reply(header, new FuseInitOut
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
            case FuseOpcode.Lookup:
                string name = Encoding.UTF8.GetString(body[..Math.Max(0, body.IndexOf((byte)0))]);
                int lookup = fileSystem.Lookup(header.NodeId, name, out var found);
                if (lookup != 0) Error(header, lookup);
                else Reply(header, new FuseEntryOut { NodeId = found.Ino, EntryValid = Validity, AttrValid = Validity, Attr = found });
                break;
            case FuseOpcode.GetAttr:
                int getattr = fileSystem.GetAttr(header.NodeId, out var attr);
                if (getattr != 0) Error(header, getattr);
                else Reply(header, new FuseAttrOut { AttrValid = Validity, Attr = attr });
                break;
            case FuseOpcode.Open:
                var open = MemoryMarshal.Read<FuseOpenIn>(body);
                int opened = fileSystem.Open(header.NodeId, open.Flags, header.Pid, out ulong handle);
                if (opened != 0) Error(header, opened);
                else Reply(header, new FuseOpenOut { FileHandle = handle, OpenFlags = FuseOpenOut.DirectIo });
                break;
            case FuseOpcode.Read:
                ReadFile(header, MemoryMarshal.Read<FuseReadIn>(body));
                break;
            case FuseOpcode.Release:
                fileSystem.Release(MemoryMarshal.Read<FuseReleaseIn>(body).FileHandle);
                Error(header, 0);
                break;
            case FuseOpcode.OpenDir:
                int isDirectory = fileSystem.List(header.NodeId, out _);
                if (isDirectory != 0) Error(header, isDirectory);
                else Reply(header, new FuseOpenOut());
                break;
            case FuseOpcode.ReadDir:
                ReadDirectory(header, MemoryMarshal.Read<FuseReadIn>(body));
                break;
            case FuseOpcode.StatFs:
                Reply(header, new FuseStatFsOut { BlockSize = 4096, NameLength = 255, FragmentSize = 4096 });
                break;
            case FuseOpcode.ReleaseDir or FuseOpcode.Flush or FuseOpcode.Fsync or FuseOpcode.FsyncDir or FuseOpcode.Access:
                Error(header, 0);
                break;
            case FuseOpcode.Forget or FuseOpcode.BatchForget or FuseOpcode.Interrupt:
                break; // no reply
            case FuseOpcode.Write:
                var write = MemoryMarshal.Read<FuseWriteIn>(body);
                var data = body.Slice(Unsafe.SizeOf<FuseWriteIn>(), (int)Math.Min(write.Size, (uint)(body.Length - Unsafe.SizeOf<FuseWriteIn>())));
                int wrote = fileSystem.Write(write.FileHandle, write.Offset, data, out int written);
                if (wrote != 0) Error(header, wrote);
                else Reply(header, new FuseWriteOut { Size = (uint)written });
                break;
            case FuseOpcode.SetAttr:
                var setattr = MemoryMarshal.Read<FuseSetAttrIn>(body);
                int truncated = (setattr.Valid & FuseSetAttrIn.SizeIsValid) != 0 && setattr.Size == 0
                    ? fileSystem.Truncate(header.NodeId, out var after)
                    : fileSystem.GetAttr(header.NodeId, out after);
                if (truncated != 0) Error(header, truncated);
                else Reply(header, new FuseAttrOut { AttrValid = Validity, Attr = after });
                break;
            case FuseOpcode.ReadLink:
                int linked = fileSystem.ReadLink(header.NodeId, header.Pid, out string target);
                if (linked != 0) Error(header, linked);
                else
                {
                    int length = Encoding.UTF8.GetBytes(target, _reply.AsSpan(Unsafe.SizeOf<FuseOutHeader>()));
                    Send(header, 0, length);
                }
                break;
            case FuseOpcode.Create or FuseOpcode.MkNod or FuseOpcode.MkDir
                or FuseOpcode.Unlink or FuseOpcode.RmDir or FuseOpcode.Rename or FuseOpcode.Link
                or FuseOpcode.SetXAttr or FuseOpcode.RemoveXAttr:
                Error(header, LibC.EROFS);
                break;
            case FuseOpcode.GetXAttr or FuseOpcode.ListXAttr:
                Error(header, LibC.ENODATA);
                break;
            default:
                Error(header, LibC.ENOSYS);
                break;
        }
    }

    private void ReadFile(in FuseInHeader header, in FuseReadIn read)
    {
        int size = (int)Math.Min(read.Size, (uint)MaxWrite);
        var data = _reply.AsSpan(Unsafe.SizeOf<FuseOutHeader>(), size);
        int error = fileSystem.Read(read.FileHandle, read.Offset, data, out int length);
        if (error != 0) Error(header, error);
        else Send(header, 0, length);
    }

    /// <summary>Directory entries from the requested offset (each entry's offset is its index + 1) that fit the reply.</summary>
    private void ReadDirectory(in FuseInHeader header, in FuseReadIn read)
    {
        int error = fileSystem.List(header.NodeId, out var entries);
        if (error != 0)
        {
            Error(header, error);
            return;
        }
        var payload = _reply.AsSpan(Unsafe.SizeOf<FuseOutHeader>(), (int)Math.Min(read.Size, (uint)MaxWrite));
        int written = 0;
        for (int i = (int)read.Offset; i < entries.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(entries[i].Name);
            int fixedPart = Unsafe.SizeOf<FuseDirent>();
            int total = (fixedPart + name.Length + 7) & ~7;
            if (written + total > payload.Length) break;
            var slot = payload.Slice(written, total);
            slot.Clear();
            var dirent = new FuseDirent { Ino = entries[i].Ino, NextOffset = (ulong)i + 1, NameLength = (uint)name.Length, Type = entries[i].Type };
            MemoryMarshal.Write(slot, in dirent);
            name.CopyTo(slot[fixedPart..]);
            written += total;
        }
        Send(header, 0, written);
    }

    private void Reply<T>(in FuseInHeader header, T payload) where T : struct
    {
        MemoryMarshal.Write(_reply.AsSpan(Unsafe.SizeOf<FuseOutHeader>()), in payload);
        Send(header, 0, Unsafe.SizeOf<T>());
    }

    private void Error(in FuseInHeader header, int errno) => Send(header, -errno, 0);

    /// <summary>Writes the out header in front of the <paramref name="payloadLength"/> bytes already in the reply buffer.</summary>
    private void Send(in FuseInHeader request, int error, int payloadLength)
    {
        int length = Unsafe.SizeOf<FuseOutHeader>() + payloadLength;
        var header = new FuseOutHeader { Length = (uint)length, Error = error, Unique = request.Unique };
        MemoryMarshal.Write(_reply, in header);
        device.Write(_reply.AsSpan(0, length));
    }
}
