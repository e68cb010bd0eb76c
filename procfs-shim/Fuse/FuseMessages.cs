using System.Runtime.InteropServices;

namespace ProcfsShim.Fuse;

/// <summary>The FUSE kernel protocol's opcodes (linux/fuse.h) that this file system meets.</summary>
public enum FuseOpcode : uint
{
    Lookup = 1, Forget = 2, GetAttr = 3, SetAttr = 4, ReadLink = 5, MkNod = 8, MkDir = 9, Unlink = 10, RmDir = 11,
    Rename = 12, Link = 13, Open = 14, Read = 15, Write = 16, StatFs = 17, Release = 18, Fsync = 20,
    SetXAttr = 21, GetXAttr = 22, ListXAttr = 23, RemoveXAttr = 24, Flush = 25, Init = 26, OpenDir = 27,
    ReadDir = 28, ReleaseDir = 29, FsyncDir = 30, Access = 34, Create = 35, Interrupt = 36, Destroy = 38,
    BatchForget = 42, ReadDirPlus = 44, Lseek = 46,
}

// Message layouts, host byte order, exactly as linux/fuse.h lays them out. fuse.h uses only
// fixed-width fields, padded by hand to 8-byte alignment, so these layouts are the same on
// every architecture (x86_64 and aarch64 alike): unlike libc's struct stat, they need no
// per-architecture variant.

[StructLayout(LayoutKind.Sequential)]
public struct FuseInHeader
{
    public uint Length;
    public FuseOpcode Opcode;
    public ulong Unique;
    public ulong NodeId;
    public uint Uid, Gid, Pid;
    public ushort TotalExtensionLength, Padding;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseOutHeader
{
    public uint Length;
    public int Error;
    public ulong Unique;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseInitIn
{
    public uint Major, Minor, MaxReadahead, Flags;
}

[StructLayout(LayoutKind.Sequential, Size = 64)]
public struct FuseInitOut
{
    public uint Major, Minor, MaxReadahead, Flags;
    public ushort MaxBackground, CongestionThreshold;
    public uint MaxWrite, TimeGranularity;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseAttr
{
    public ulong Ino, Size, Blocks, Atime, Mtime, Ctime;
    public uint AtimeNsec, MtimeNsec, CtimeNsec, Mode, NLink, Uid, Gid, RDev, BlockSize, Flags;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseEntryOut
{
    public ulong NodeId, Generation, EntryValid, AttrValid;
    public uint EntryValidNsec, AttrValidNsec;
    public FuseAttr Attr;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseAttrOut
{
    public ulong AttrValid;
    public uint AttrValidNsec, Dummy;
    public FuseAttr Attr;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseWriteIn
{
    public ulong FileHandle, Offset;
    public uint Size, WriteFlags;
    public ulong LockOwner;
    public uint Flags, Padding;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseWriteOut
{
    public uint Size, Padding;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseSetAttrIn
{
    public uint Valid, Padding;
    public ulong FileHandle, Size;

    /// <summary>FATTR_SIZE: the request changes the size.</summary>
    public const uint SizeIsValid = 1 << 3;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseOpenIn
{
    public uint Flags, OpenFlags;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseOpenOut
{
    public ulong FileHandle;
    public uint OpenFlags, Padding;

    /// <summary>FOPEN_DIRECT_IO: reads bypass the page cache, so a file reported as size 0 is read to its real end.</summary>
    public const uint DirectIo = 1;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseReadIn
{
    public ulong FileHandle, Offset;
    public uint Size, ReadFlags;
    public ulong LockOwner;
    public uint Flags, Padding;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseReleaseIn
{
    public ulong FileHandle;
    public uint Flags, ReleaseFlags;
    public ulong LockOwner;
}

[StructLayout(LayoutKind.Sequential, Size = 80)]
public struct FuseStatFsOut
{
    public ulong Blocks, FreeBlocks, AvailableBlocks, Files, FreeFiles;
    public uint BlockSize, NameLength, FragmentSize;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseForgetIn
{
    public ulong Lookups;
}

/// <summary>struct fuse_batch_forget_in: <see cref="Count"/> <see cref="FuseForgetOne"/> follow.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseBatchForgetIn
{
    public uint Count, Dummy;
}

[StructLayout(LayoutKind.Sequential)]
public struct FuseForgetOne
{
    public ulong NodeId, Lookups;
}

/// <summary>struct fuse_dirent: the fixed part; the name follows, padded to 8 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct FuseDirent
{
    public ulong Ino, NextOffset;
    public uint NameLength, Type;
}
