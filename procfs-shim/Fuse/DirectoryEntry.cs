namespace ProcfsShim.Fuse;

/// <summary>One name in a listing; <paramref name="Ino"/> is st_ino (never 0: readdir(3) skips those), <paramref name="Type"/> a DT_* value.</summary>
public readonly record struct DirectoryEntry(ulong Ino, string Name, uint Type)
{
    public const uint Directory = 4, Regular = 8;
}
