namespace TestSupport;

/// <summary>Where the built commands are: each project's own output folder, found from the repository root.</summary>
public static class Binaries
{
    public static string RepoRoot { get; } = FindRoot();

#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    public static string Clconfig => Path("clconfig", "clconfig");
    public static string Ipfwadm => Path("ipfwadm-cluster", "ipfwadm-cluster");
    public static string Clusterd => Path("clusterd", "clusterd");
    public static string ProcfsShim => Path("procfs-shim", "procfs-shim");

    public static string Path(string project, string name) =>
        System.IO.Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Legacy.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find Legacy.sln above " + AppContext.BaseDirectory);
    }
}
