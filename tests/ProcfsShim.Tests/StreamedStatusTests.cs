using System.Text;
using Microsoft.Win32.SafeHandles;

namespace ProcfsShim.Tests;

/// <summary>
/// The status body reaches a reader as clusterd writes it, through a real mount: a reader starts
/// before the body is whole, a reader that does not read never holds clusterd up, and reads at any
/// offset of one open file give the same bytes.
/// </summary>
public sealed class StreamedStatusTests
{
    /// <summary>A body of 4 MiB: many times what the socket and the shim's chunks hold.</summary>
    private static readonly string LargeStatus = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"TCP  pool0  198.18.{i / 256 % 256}.{i % 256}:{1024 + i % 60000} row {i}\n".PadRight(84) + "\n"));

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AReaderHasTheFirstBytesBeforeClusterdHasSentTheRest()
    {
        using var clusterd = new SlowClusterd(LargeStatus, TimeSpan.Zero, pauseAt: 1000);
        using var shim = new ShimProcess(clusterd.SocketPath);
        using var file = File.OpenHandle(shim.FilePath);
        // Waiting for the whole body would time out: the rest comes only once the first bytes are read.
        string first = await Task.Run(() => ReadAt(file, 0, 500)).WaitAsync(Patience);

        Assert.Equal(LargeStatus[..500], first);
        clusterd.Resume.Set();
        Assert.Equal(LargeStatus[^500..], ReadAt(file, Encoding.UTF8.GetByteCount(LargeStatus) - 500, 500));
    }

    [Fact]
    public void AReaderThatDoesNotReadNeverHoldsClusterdUp()
    {
        using var clusterd = new SlowClusterd(LargeStatus, TimeSpan.Zero);
        using var shim = new ShimProcess(clusterd.SocketPath);
        using var file = File.OpenHandle(shim.FilePath); // open, and nothing read

        Assert.True(clusterd.Sent.Wait(Patience), "clusterd's write waited on the reader\n" + shim.Log);
    }

    [Fact]
    public void ReadsBackwardsAndAcrossChunksGiveTheSameBytes()
    {
        using var clusterd = new SlowClusterd(LargeStatus, TimeSpan.Zero);
        using var shim = new ShimProcess(clusterd.SocketPath);
        using var file = File.OpenHandle(shim.FilePath);
        int size = Encoding.UTF8.GetByteCount(LargeStatus), half = size / 2;

        string secondHalf = ReadAt(file, half, size - half + 4096); // past the end: a short read
        string firstHalf = ReadAt(file, 0, half);
        Assert.Equal(LargeStatus, firstHalf + secondHalf);
        Assert.Equal("", ReadAt(file, size + 10, 100));
    }

    /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="offset"/> on, as many reads as it takes.</summary>
    private static string ReadAt(SafeFileHandle file, long offset, int count)
    {
        var buffer = new byte[count];
        int total = 0, read;
        while (total < count && (read = RandomAccess.Read(file, buffer.AsSpan(total), offset + total)) > 0) total += read;
        return Encoding.UTF8.GetString(buffer, 0, total);
    }
}
