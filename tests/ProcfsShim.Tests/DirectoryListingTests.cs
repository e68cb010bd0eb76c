using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim.Tests;

/// <summary>
/// READDIR's chunks come from the one listing OPENDIR took, kept by its handle until RELEASEDIR:
/// a directory whose entries change between chunks (as /proc's processes do) is still read whole
/// and once, with no name repeated or skipped.
/// </summary>
public sealed class DirectoryListingTests : IDisposable
{
    private const int Entries = 200;
    private static readonly ulong Root = NodeTable<string>.RootId;

    /// <summary>A root directory whose names change at every listing (generation g1, g2, …).</summary>
    private sealed class ChangingDirectory : IFuseFileSystem<string>, IFuseDirectoryLister<string>
    {
        private int _listings;

        public int Listings => _listings;

        public string Root => "";

        public int Lookup(string parent, string name, out string child, out FuseAttr attr)
        {
            (child, attr) = ("", default);
            return LibC.ENOENT;
        }

        public int GetAttr(string node, out FuseAttr attr)
        {
            attr = new FuseAttr { Ino = 1, Mode = 0x4000 | 0b101_101_101, NLink = 2 };
            return 0;
        }

        public int List(string directory, out IReadOnlyList<DirectoryEntry> entries)
        {
            int generation = Interlocked.Increment(ref _listings);
            entries = [.. Enumerable.Range(0, Entries).Select(i => new DirectoryEntry((ulong)i + 2, $"g{generation}-{i}", DirectoryEntry.Regular))];
            return 0;
        }
    }

    private readonly ChangingDirectory _directory = new();
    private readonly KernelStandIn<string> _kernel;

    public DirectoryListingTests() => _kernel = new(_directory);

    private ulong OpenRoot()
    {
        var (error, payload) = _kernel.Ask(FuseOpcode.OpenDir, Root, StructBytes.Of(new FuseOpenIn()));
        Assert.Equal(0, error);
        return MemoryMarshal.Read<FuseOpenOut>(payload).FileHandle;
    }

    /// <summary>One READDIR of at most 1 KiB: the names in it and the offset to ask from next.</summary>
    private (int Error, List<string> Names, ulong Next) ReadChunk(ulong handle, ulong offset)
    {
        var (error, payload) = _kernel.Ask(FuseOpcode.ReadDir, Root, StructBytes.Of(new FuseReadIn { FileHandle = handle, Offset = offset, Size = 1024 }));
        var names = new List<string>();
        int at = 0, fixedPart = Unsafe.SizeOf<FuseDirent>();
        while (at < payload.Length)
        {
            var dirent = MemoryMarshal.Read<FuseDirent>(payload.AsSpan(at));
            names.Add(Encoding.UTF8.GetString(payload, at + fixedPart, (int)dirent.NameLength));
            offset = dirent.NextOffset;
            at += (fixedPart + (int)dirent.NameLength + 7) & ~7;
        }
        return (error, names, offset);
    }

    [Fact]
    public void EveryChunkComesFromTheListingOpendirTook()
    {
        ulong handle = OpenRoot();
        var names = new List<string>();
        int chunks = 0;
        ulong offset = 0;
        while (true)
        {
            var (error, chunk, next) = ReadChunk(handle, offset);
            Assert.Equal(0, error);
            if (chunk.Count == 0) break;
            names.AddRange(chunk);
            chunks++;
            offset = next;
        }

        Assert.True(chunks >= 3, $"{chunks} chunks"); // the listing did span several
        Assert.Equal(Enumerable.Range(0, Entries).Select(i => $"g1-{i}"), names);
        Assert.Equal(1, _directory.Listings);
    }

    [Fact]
    public void EachOpendirListsAfreshAndAReleasedListingIsGone()
    {
        ulong first = OpenRoot(), second = OpenRoot();

        Assert.Equal("g1-0", ReadChunk(first, 0).Names[0]);
        Assert.Equal("g2-0", ReadChunk(second, 0).Names[0]);

        Assert.Equal(0, _kernel.Ask(FuseOpcode.ReleaseDir, Root, StructBytes.Of(new FuseReleaseIn { FileHandle = first })).Error);
        Assert.Equal(-LibC.EBADF, ReadChunk(first, 0).Error);
        Assert.Equal("g2-1", ReadChunk(second, 1).Names[0]);
    }

    public void Dispose() => _kernel.Dispose();
}
