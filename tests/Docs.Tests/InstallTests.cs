using TestSupport;

namespace Docs.Tests;

/// <summary>make install lays out the documented tree, and what it installs works.</summary>
public sealed class InstallTests : IDisposable
{
    private readonly string _destination = Directory.CreateTempSubdirectory("ipc-install-").FullName;

    [Fact]
    public void InstallProducesTheDocumentedTree()
    {
        var install = CommandRunner.Run("make", ["-C", Binaries.RepoRoot, "install", $"DESTDIR={_destination}", "PREFIX=/usr", $"CONFIG={Binaries.Configuration}"],
            timeout: TimeSpan.FromMinutes(8));
        Assert.True(install.ExitCode == 0, install.ToString());
        string usr = Path.Combine(_destination, "usr");
        foreach (string file in new[]
                 {
                     "sbin/clusterd", "sbin/clconfig", "sbin/ipfwadm-cluster", "sbin/ipfwadm", "sbin/procfs-shim",
                     "share/man/man5/ip_cluster.5", "share/man/man8/clconfig.8", "share/man/man8/clusterd.8",
                     "share/man/man8/ipfwadm-cluster.8", "share/man/man8/ipfwadm.8", "share/man/man8/procfs-shim.8",
                     "lib/systemd/system/clusterd.service", "lib/systemd/system/procfs-shim.service",
                     "share/bash-completion/completions/clconfig", "share/bash-completion/completions/ipfwadm",
                     "share/man/man7/ip_cluster-ha.7", "share/doc/ip_cluster/ha/keepalived.conf", "share/doc/ip_cluster/ha/conntrackd.conf",
                     "lib/ip_cluster/ha/ip_cluster-check", "lib/ip_cluster/ha/ip_cluster-notify",
                     "share/doc/ip_cluster/ha/keepalived-return.conf", "share/doc/ip_cluster/ha/conntrackd-multi-primary.conf",
                     "share/doc/ip_cluster/ha/frr.conf", "share/doc/ip_cluster/ha/daemons", "lib/ip_cluster/ha/ip_cluster-announce",
                 })
            Assert.True(File.Exists(Path.Combine(usr, file)), file);
        Assert.Equal("clconfig (ip_cluster) 1.0.0\n", CommandRunner.Run(Path.Combine(usr, "sbin", "clconfig"), "--version").Stdout);
        Assert.StartsWith("ipfwadm 2.3.0, 1996/07/30\n", CommandRunner.Run(Path.Combine(usr, "sbin", "ipfwadm"), "-h").Stdout);
        Assert.Contains("ExecStart=/usr/sbin/clusterd", File.ReadAllText(Path.Combine(usr, "lib/systemd/system/clusterd.service")));
        Assert.Contains("script \"/usr/lib/ip_cluster/ha/ip_cluster-check\"", File.ReadAllText(Path.Combine(usr, "share/doc/ip_cluster/ha/keepalived.conf")));
        Assert.DoesNotContain("@", File.ReadAllText(Path.Combine(usr, "lib/ip_cluster/ha/ip_cluster-check")));
        Assert.Contains("/usr/lib/ip_cluster/ha/ip_cluster-check", File.ReadAllText(Path.Combine(usr, "lib/ip_cluster/ha/ip_cluster-announce")));
        var man = CommandRunner.Run("man", ["-P", "cat", "ipfwadm"], new Dictionary<string, string> { ["MANPATH"] = Path.Combine(usr, "share", "man") });
        Assert.Contains("ipfwadm-cluster", man.Stdout);

        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            // verify resolves ExecStart, so point the units at the installed tree.
            string units = Path.Combine(_destination, "units");
            Directory.CreateDirectory(units);
            foreach (string unit in new[] { "clusterd.service", "procfs-shim.service" })
                File.WriteAllText(Path.Combine(units, unit),
                    File.ReadAllText(Path.Combine(usr, "lib/systemd/system", unit)).Replace("/usr/sbin", Path.Combine(usr, "sbin")));
            var verify = CommandRunner.Run("systemd-analyze", ["verify", Path.Combine(units, "clusterd.service"), Path.Combine(units, "procfs-shim.service")],
                new Dictionary<string, string> { ["MANPATH"] = Path.Combine(usr, "share", "man") }); // it checks Documentation= with man
            Assert.True(verify.ExitCode == 0, verify.ToString());
        }
    }

    public void Dispose() => Directory.Delete(_destination, recursive: true);
}
