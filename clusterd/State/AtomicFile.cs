using Clusterd.Native;

namespace Clusterd.State;

/// <summary>
/// Replaces a file so that a crash leaves either the old or the new content, never a torn one:
/// write a temporary file, flush it to disk, rename it over the old one, flush the directory.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        Libc.FsyncDirectory(directory);
    }
}
