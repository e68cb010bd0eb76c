using ClusterControl;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// The status text as clusterd gave it at one open(), spooled to an unlinked temporary file so a
/// table of a million connections costs disk cache, not this process's memory, and every read
/// of the handle sees the same bytes.
/// </summary>
public sealed class StatusSnapshot : IFuseFile
{
    private readonly FileStream _spool;

    private StatusSnapshot(FileStream spool) => _spool = spool;

    /// <summary>
    /// A snapshot for one open(): 0, or ENOTCONN when clusterd cannot be asked and EIO when the
    /// spool cannot be written, saying why on standard error.
    /// </summary>
    public static int Open(string socketPath, out IFuseFile? file)
    {
        file = null;
        try
        {
            file = Take(socketPath);
            return 0;
        }
        catch (ControlUnreachableException e)
        {
            Console.Error.WriteLine($"procfs-shim: {e.Message}");
            return LibC.ENOTCONN;
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"procfs-shim: cannot spool the status: {e.Message}");
            return LibC.EIO;
        }
    }

    /// <summary>Asks clusterd for the status; throws <see cref="ControlUnreachableException"/> saying why it could not.</summary>
    private static StatusSnapshot Take(string socketPath)
    {
        var spool = new FileStream(Path.Combine(Path.GetTempPath(), $"ip_cluster-{Guid.NewGuid():n}"),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            using var client = ControlClient.Connect(socketPath);
            var answer = client.Send(new ControlRequest { Op = ControlOp.Status });
            if (!answer.Ok) throw new ControlUnreachableException($"clusterd refused the status: {answer.Message}");
            client.CopyBodyTo(spool);
            spool.Flush();
            return new StatusSnapshot(spool);
        }
        catch
        {
            spool.Dispose();
            throw;
        }
    }

    public int Read(ulong offset, Span<byte> destination, out int length)
    {
        length = offset >= (ulong)_spool.Length ? 0 : RandomAccess.Read(_spool.SafeFileHandle, destination, (long)offset);
        return 0;
    }

    public void Dispose() => _spool.Dispose();
}
