using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using ProcfsShim.Fuse;

namespace ProcfsShim.Tests;

/// <summary>
/// The structs procfs-shim hands the kernel or libc, against the sizes and offsets of the C headers.
/// No root, no mount.
/// </summary>
public sealed class StructLayoutTests
{
    /// <summary>
    /// struct stat: x86_64 from arch/x86/include/uapi/asm/stat.h (glibc's bits/struct_stat.h
    /// agrees), aarch64 from include/uapi/asm-generic/stat.h; (size, field offsets).
    /// </summary>
    private static readonly Dictionary<string, (int Size, Dictionary<string, int> Offsets)> Stat = new()
    {
        ["x86_64"] = (144, new()
        {
            ["st_dev"] = 0, ["st_ino"] = 8, ["st_nlink"] = 16, ["st_mode"] = 24, ["st_uid"] = 28, ["st_gid"] = 32,
            ["st_rdev"] = 40, ["st_size"] = 48, ["st_blksize"] = 56, ["st_blocks"] = 64,
            ["st_atim"] = 72, ["st_mtim"] = 88, ["st_ctim"] = 104,
        }),
        ["aarch64"] = (128, new()
        {
            ["st_dev"] = 0, ["st_ino"] = 8, ["st_mode"] = 16, ["st_nlink"] = 20, ["st_uid"] = 24, ["st_gid"] = 28,
            ["st_rdev"] = 32, ["st_size"] = 48, ["st_blksize"] = 56, ["st_blocks"] = 64,
            ["st_atim"] = 72, ["st_mtim"] = 88, ["st_ctim"] = 104,
        }),
    };

    [Theory]
    [InlineData("x86_64")]
    [InlineData("aarch64")]
    public void StructStatOfEachArchitecturesLibCMatchesItsHeader(string architecture)
    {
        var context = new AssemblyLoadContext(architecture, isCollectible: true);
        try
        {
            var libc = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "libc", architecture, "Tmds.LibC.dll"));
            var stat = libc.GetType("Tmds.Linux.stat", throwOnError: true)!;
            var (size, offsets) = Stat[architecture];
            Assert.Equal(size, Marshal.SizeOf(stat));
            foreach (var (field, offset) in offsets)
                Assert.True(offset == (int)Marshal.OffsetOf(stat, field), $"{architecture} {field}: {Marshal.OffsetOf(stat, field)}, header says {offset}");
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void TheStructStatInUseIsThisArchitectures()
    {
        string architecture = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x86_64",
            Architecture.Arm64 => "aarch64",
            var other => throw new PlatformNotSupportedException(other.ToString()),
        };
        Assert.Equal(Stat[architecture].Size, Unsafe.SizeOf<Tmds.Linux.stat>());
    }

    /// <summary>glibc's struct dirent64, declared by procfs-shim itself: one layout on x86_64 and aarch64.</summary>
    [Fact]
    public void DirEnt64MatchesGlibcsHeader()
    {
        Assert.Equal(280, Unsafe.SizeOf<PosixFiles.DirEnt64>());
        Assert.Equal(0, (int)Marshal.OffsetOf<PosixFiles.DirEnt64>(nameof(PosixFiles.DirEnt64.Ino)));
        Assert.Equal(8, (int)Marshal.OffsetOf<PosixFiles.DirEnt64>(nameof(PosixFiles.DirEnt64.Offset)));
        Assert.Equal(16, (int)Marshal.OffsetOf<PosixFiles.DirEnt64>(nameof(PosixFiles.DirEnt64.RecordLength)));
        Assert.Equal(18, (int)Marshal.OffsetOf<PosixFiles.DirEnt64>(nameof(PosixFiles.DirEnt64.Type)));
        Assert.Equal(19, (int)Marshal.OffsetOf<PosixFiles.DirEnt64>(nameof(PosixFiles.DirEnt64.Name)));
    }

    /// <summary>linux/fuse.h's sizes, the same on every architecture.</summary>
    [Fact]
    public void FuseMessagesHaveTheHeadersSizes()
    {
        Assert.Equal(40, Unsafe.SizeOf<FuseInHeader>());
        Assert.Equal(16, Unsafe.SizeOf<FuseOutHeader>());
        Assert.Equal(64, Unsafe.SizeOf<FuseInitOut>());
        Assert.Equal(88, Unsafe.SizeOf<FuseAttr>());
        Assert.Equal(128, Unsafe.SizeOf<FuseEntryOut>());
        Assert.Equal(104, Unsafe.SizeOf<FuseAttrOut>());
        Assert.Equal(8, Unsafe.SizeOf<FuseOpenIn>());
        Assert.Equal(16, Unsafe.SizeOf<FuseOpenOut>());
        Assert.Equal(40, Unsafe.SizeOf<FuseReadIn>());
        Assert.Equal(40, Unsafe.SizeOf<FuseWriteIn>());
        Assert.Equal(8, Unsafe.SizeOf<FuseWriteOut>());
        Assert.Equal(24, Unsafe.SizeOf<FuseReleaseIn>());
        Assert.Equal(80, Unsafe.SizeOf<FuseStatFsOut>());
        Assert.Equal(24, Unsafe.SizeOf<FuseDirent>());
        Assert.Equal(8, Unsafe.SizeOf<FuseForgetIn>());
        Assert.Equal(8, Unsafe.SizeOf<FuseBatchForgetIn>());
        Assert.Equal(16, Unsafe.SizeOf<FuseForgetOne>());
    }
}
