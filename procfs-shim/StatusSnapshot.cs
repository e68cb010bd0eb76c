using ClusterControl;
using ProcfsShim.Fuse;
using Tmds.Linux;

namespace ProcfsShim;

/// <summary>
/// The status text as clusterd gave it at one open(). A thread of its own copies the body, as
/// clusterd writes it, into an unlinked temporary file, and reads are served from that file as soon
/// as their bytes are in: a reader of a million connections starts at once, a slow reader (a pager)
/// never holds clusterd up, the table costs disk cache rather than this process's memory, and
/// every read of the handle, at any offset, sees the same bytes.
/// </summary>
public sealed class StatusSnapshot : IFuseFile
{
    private const int ChunkSize = 64 * 1024;

    private readonly ControlClient _client;
    private readonly FileStream _spool;
    private readonly Thread _copier;
    /// <summary>Guards the three fields below; the copier pulses it as bytes come in.</summary>
    private readonly object _gate = new();
    /// <summary>Bytes of the body in the spool so far.</summary>
    private long _spooled;
    private bool _complete;
    /// <summary>Why the body could not be had whole; reads past what came fail with EIO.</summary>
    private string? _failure;

    private StatusSnapshot(ControlClient client, FileStream spool)
    {
        _client = client;
        _spool = spool;
        _copier = new Thread(CopyBody) { IsBackground = true, Name = "status-spool" };
        _copier.Start();
    }

    /// <summary>
    /// A snapshot for one open(): 0, or ENOTCONN when clusterd cannot be asked and EIO when the
    /// spool cannot be made, saying why on standard error.
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

    /// <summary>Asks clusterd for the status and starts copying its body; throws <see cref="ControlUnreachableException"/> saying why it could not.</summary>
    private static StatusSnapshot Take(string socketPath)
    {
        var client = ControlClient.Connect(socketPath);
        FileStream? spool = null;
        try
        {
            var answer = client.Send(new ControlRequest { Op = ControlOp.Status });
            if (!answer.Ok) throw new ControlUnreachableException($"clusterd refused the status: {answer.Message}");
            spool = new FileStream(Path.Combine(Path.GetTempPath(), $"ip_cluster-{Guid.NewGuid():n}"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            return new StatusSnapshot(client, spool);
        }
        catch
        {
            spool?.Dispose();
            client.Dispose();
            throw;
        }
    }

    private void CopyBody()
    {
        var chunk = new byte[ChunkSize];
        try
        {
            int length;
            while ((length = _client.ReadBody(chunk)) > 0)
            {
                RandomAccess.Write(_spool.SafeFileHandle, chunk.AsSpan(0, length), _spooled);
                lock (_gate)
                {
                    _spooled += length;
                    Monitor.PulseAll(_gate);
                }
            }
            Finish(failure: null);
        }
        catch (ControlUnreachableException e)
        {
            Finish(e.Message);
        }
        catch (IOException e)
        {
            Finish($"cannot spool the status: {e.Message}");
        }
        catch (ObjectDisposedException)
        {
            Finish("closed"); // released before the body was in: no one reads any more
        }
    }

    private void Finish(string? failure)
    {
        lock (_gate)
        {
            _complete = true;
            _failure = failure;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Waits until the bytes asked for are in the spool (or the body is over), then reads them from it.</summary>
    public int Read(ulong offset, Span<byte> destination, out int length)
    {
        length = 0;
        if (offset > long.MaxValue - (ulong)destination.Length) return 0; // no body is that long
        long start = (long)offset, end = start + destination.Length, spooled;
        lock (_gate)
        {
            while (!_complete && _spooled < end) Monitor.Wait(_gate);
            if (_spooled < end && _failure is not null)
            {
                Console.Error.WriteLine($"procfs-shim: {_failure}");
                return LibC.EIO;
            }
            spooled = _spooled;
        }
        if (start < spooled) length = RandomAccess.Read(_spool.SafeFileHandle, destination[..(int)Math.Min(destination.Length, spooled - start)], start);
        return 0;
    }

    public void Dispose()
    {
        _client.Dispose(); // ends the copy, should it still run
        _copier.Join();
        _spool.Dispose();
    }
}
