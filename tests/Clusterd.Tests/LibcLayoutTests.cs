using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Tests;

/// <summary>
/// The structs clusterd's netlink socket hands libc, from Tmds.LibC's x86_64 and aarch64 builds,
/// against the sizes and offsets of glibc's headers (bits/socket.h, bits/uio.h, sys/poll.h) on
/// each architecture. No root.
/// </summary>
public sealed class LibcLayoutTests
{
    /// <summary>(size, field offsets); LP64 glibc lays these out alike on both architectures.</summary>
    private static readonly Dictionary<string, (int Size, Dictionary<string, int> Offsets)> Headers = new()
    {
        ["msghdr"] = (56, new()
        {
            ["msg_name"] = 0, ["msg_namelen"] = 8, ["msg_iov"] = 16, ["msg_iovlen"] = 24,
            ["msg_control"] = 32, ["msg_controllen"] = 40, ["msg_flags"] = 48,
        }),
        ["mmsghdr"] = (64, new() { ["msg_hdr"] = 0, ["msg_len"] = 56 }),
        ["iovec"] = (16, new() { ["iov_base"] = 0, ["iov_len"] = 8 }),
        ["pollfd"] = (8, new() { ["fd"] = 0, ["events"] = 4, ["revents"] = 6 }),
    };

    public static TheoryData<string, string> Structs()
    {
        var data = new TheoryData<string, string>();
        foreach (string architecture in new[] { "x86_64", "aarch64" })
            foreach (string name in Headers.Keys) data.Add(architecture, name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Structs))]
    public void EachArchitecturesStructMatchesItsHeader(string architecture, string name)
    {
        var context = new AssemblyLoadContext(architecture, isCollectible: true);
        try
        {
            var libc = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "libc", architecture, "Tmds.LibC.dll"));
            var type = libc.GetType($"Tmds.Linux.{name}", throwOnError: true)!;
            var (size, offsets) = Headers[name];
            Assert.Equal(size, Marshal.SizeOf(type));
            foreach (var (field, offset) in offsets)
            {
                int actual = (int)Marshal.OffsetOf(type, BackingField(type, field));
                Assert.True(offset == actual, $"{architecture} {name}.{field}: {actual}, header says {offset}");
            }
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void TheStructsInUseHaveTheHeadersSizes()
    {
        Assert.Equal(Headers["msghdr"].Size, Unsafe.SizeOf<Tmds.Linux.msghdr>());
        Assert.Equal(Headers["mmsghdr"].Size, Unsafe.SizeOf<Tmds.Linux.mmsghdr>());
        Assert.Equal(Headers["iovec"].Size, Unsafe.SizeOf<Tmds.Linux.iovec>());
        Assert.Equal(Headers["pollfd"].Size, Unsafe.SizeOf<Tmds.Linux.pollfd>());
    }

    /// <summary>struct sockaddr_nl (linux/netlink.h), declared by clusterd itself: one layout everywhere.</summary>
    [Fact]
    public void NetlinkAddressMatchesTheHeader()
    {
        Assert.Equal(12, Unsafe.SizeOf<NetlinkAddress>());
        Assert.Equal(0, (int)Marshal.OffsetOf<NetlinkAddress>(nameof(NetlinkAddress.Family)));
        Assert.Equal(4, (int)Marshal.OffsetOf<NetlinkAddress>(nameof(NetlinkAddress.PortId)));
        Assert.Equal(8, (int)Marshal.OffsetOf<NetlinkAddress>(nameof(NetlinkAddress.Groups)));
        Assert.Equal(Netlink.AF_NETLINK, NetlinkAddress.Unbound.Family);
    }

    /// <summary>
    /// The socket reads errno after each of these calls of Tmds.LibC's; that is only meaningful if
    /// their declarations ask the runtime to save it (its poll does not, hence clusterd's own).
    /// </summary>
    [Theory]
    [InlineData("socket")]
    [InlineData("bind")]
    [InlineData("setsockopt")]
    [InlineData("send")]
    [InlineData("recv")]
    public void TheCallsWhoseErrnoIsReadSaveIt(string call)
    {
        var method = typeof(Tmds.Linux.LibC).GetMethod(call)!;
        Assert.True(method.GetCustomAttribute<DllImportAttribute>()!.SetLastError, call);
    }

    /// <summary>Tmds.LibC declares fields as properties, some over a differently typed private field.</summary>
    private static string BackingField(Type type, string name)
    {
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        foreach (string candidate in new[] { name, "_" + name, $"<{name}>k__BackingField" })
            if (type.GetField(candidate, all) is not null) return candidate;
        throw new MissingFieldException(type.Name, name);
    }
}
