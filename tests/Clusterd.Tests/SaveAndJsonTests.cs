using System.Text.Json;
using TestSupport;

namespace Clusterd.Tests;

/// <summary>clconfig -save round trips; -list/-status --json are valid JSON with the same figures as the text.</summary>
public sealed class SaveAndJsonTests : IDisposable
{
    private readonly ClusterdProcess _daemon = ClusterdProcess.StartNew();

    private static CommandResult Clconfig(ClusterdProcess daemon, params string[] args) => daemon.Clconfig(args);

    private void Build(params string[][] commands)
    {
        foreach (var args in commands)
        {
            var result = Clconfig(_daemon, args);
            Assert.True(result.ExitCode == 0, result.ToString());
        }
    }

    [Fact]
    public void SaveReplaysIntoAFreshDaemonIdentically()
    {
        Build(["-create", "pool2", "masq"], ["-create", "pool1"], ["-forward", "pool0", "masq"],
            ["-add", "pool0", "10.0.0.1", "up", "cost", "10"], ["-add", "pool0", "10.0.0.2", "down", "cost", "25"],
            ["-add", "pool2", "10.0.0.9"], ["-add", "pool1", "10.0.0.5", "cost", "7"], ["-debug", "2"]);
        string[][] firewall =
        [
            ["-I", "-b", "-a", "cluster", "-S", "0/0", "-D", "1.2.3.4/32", "-W", "pool0"],
            ["-F", "-a", "cluster", "-P", "tcp", "-D", "1.2.3.5/32", "80", "443", "-W", "pool1", "-V", "10.0.0.5"],
            ["-I", "-a", "deny", "-S", "10.0.0.0/8", "-W", "eth0", "-o"],
            ["-I", "-i", "reject", "-P", "udp", "-S", "192.0.2.0/24", "1024:65535", "53", "-D", "0/0", "53"],
            ["-I", "-a", "accept", "-P", "tcp", "-D", "0/0", "80", "-r", "8080", "-y"],
            ["-I", "-a", "accept", "-P", "icmp", "-S", "0/0", "0", "8", "-t", "0x01", "0x10"],
            ["-F", "-a", "m", "-S", "192.168.0.0/255.255.0.0", "-k"],
            ["-A", "in", "-a", "-P", "tcp", "-D", "0/0", "80"],
            ["-A", "-a", "-W", "eth1"],
            // -W names the shell would split, expand or end: saved in quotes, they come back as typed.
            ["-I", "-a", "deny", "-W", "dmz net"],
            ["-I", "-a", "deny", "-W", "it's;$x`id`*"],
            ["-O", "-a", "deny", "-W", "a\"b\nc~"],
            ["-O", "-a", "deny", "-P", "udp", "-D", "0/0", "137:139"],
            ["-F", "-p", "deny"], ["-O", "-p", "reject"], ["-M", "-s", "600", "60", "120"],
        ];
        foreach (var args in firewall)
        {
            var result = CommandRunner.Run(Binaries.Ipfwadm, args, _daemon.ClientEnvironment);
            Assert.True(result.ExitCode == 0, string.Join(' ', args) + "\n" + result);
        }
        var saved = Clconfig(_daemon, "-save");
        Assert.Equal(0, saved.ExitCode);
        Assert.Contains("clconfig -create pool2 masq\n", saved.Stdout);
        Assert.Contains("clconfig -add pool0 10.0.0.2 down cost 25\n", saved.Stdout);

        Assert.Contains("ipfwadm -F -p deny\n", saved.Stdout);
        Assert.Contains(" -W 'dmz net'\n", saved.Stdout);
        Assert.Contains(" -W 'it'\\''s;$x`id`*'\n", saved.Stdout);
        Assert.Contains(" -W eth1\n", saved.Stdout);
        Assert.Contains("ipfwadm -I -a cluster -S 0.0.0.0/0.0.0.0 -D 1.2.3.4/255.255.255.255 -W pool0 -b\n", saved.Stdout);

        using var fresh = ClusterdProcess.StartNew();
        // The script calls the commands by their installed names.
        File.CreateSymbolicLink(Path.Combine(fresh.Directory, "clconfig"), Binaries.Clconfig);
        File.CreateSymbolicLink(Path.Combine(fresh.Directory, "ipfwadm"), Binaries.Ipfwadm);
        var environment = new Dictionary<string, string>(fresh.ClientEnvironment)
        {
            ["PATH"] = fresh.Directory + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        var replay = CommandRunner.Run("/bin/sh", ["-s"], environment, stdin: saved.Stdout);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Equal(saved.Stdout, Clconfig(fresh, "-save").Stdout);
        Assert.Equal(Clconfig(_daemon, "-list").Stdout, Clconfig(fresh, "-list").Stdout);
        foreach (string chain in new[] { "-I", "-O", "-F", "-A" })
            Assert.Equal(
                CommandRunner.Run(Binaries.Ipfwadm, [chain, "-l", "-e", "-n"], _daemon.ClientEnvironment).Stdout,
                CommandRunner.Run(Binaries.Ipfwadm, [chain, "-l", "-e", "-n"], fresh.ClientEnvironment).Stdout);
    }

    [Fact]
    public void InitialConfigurationSavesAsNothingButTheHeader() =>
        Assert.Equal("#!/bin/sh\n# ip_cluster configuration, written by clconfig -save\nset -e\n", Clconfig(_daemon, "-save").Stdout);

    [Fact]
    public void ListJsonCarriesTheSameFigures()
    {
        Build(["-add", "pool0", "10.0.0.1", "cost", "30"], ["-add", "pool0", "10.0.0.2", "down"]);
        var result = Clconfig(_daemon, "-list", "--json");
        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Stdout);
        var nodes = json.RootElement.GetProperty("nodes");
        Assert.Equal(2, nodes.GetArrayLength());
        Assert.Equal("10.0.0.1", nodes[0].GetProperty("node").GetString());
        Assert.Equal(30, nodes[0].GetProperty("cost").GetInt32());
        Assert.Equal("down", nodes[1].GetProperty("state").GetString());
        Assert.Equal(0, nodes[1].GetProperty("load").GetInt64());
    }

    [Fact]
    public void StatusTextAndJson()
    {
        Build(["-add", "pool0", "10.0.0.1"]);
        var text = Clconfig(_daemon, "-status");
        Assert.Equal(
            "Pool   Node            State  Cost  Conns       Load\n" +
            "pool0  10.0.0.1        up       10      0          0\n\n" +
            "Prot Pool   Source                Destination           Node            Expires\n", text.Stdout);
        using var json = JsonDocument.Parse(Clconfig(_daemon, "-status", "--json").Stdout);
        Assert.Equal(1, json.RootElement.GetProperty("nodes").GetArrayLength());
        Assert.Equal(0, json.RootElement.GetProperty("connections").GetArrayLength());
    }

    [Theory]
    [InlineData("clconfig: unexpected word '--json'", "-list", "--json", "--json")]
    [InlineData("clconfig: bad pool name 'x'", "-list", "x")]
    [InlineData("clconfig: unexpected word 'pool0'", "-status", "pool0")]
    [InlineData("clconfig: unexpected word 'now'", "-save", "now")]
    public void ListingUsageErrors(string message, params string[] args)
    {
        var result = Clconfig(_daemon, args);
        Assert.Equal((2, message + "\n"), (result.ExitCode, result.Stderr));
    }

    public void Dispose() => _daemon.Dispose();
}
