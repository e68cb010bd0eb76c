using ClusterControl;
using Bench;

// ipc-bench conntrack-fill COUNT SHARED MARK... (run inside the front-end's namespace)
switch (args)
{
    case ["conntrack-fill", var count, var shared, .. var marks]:
        ConntrackFiller.Fill(int.Parse(count), Ipv4Address.Parse(shared), [.. marks.Select(m => Convert.ToUInt32(m, 16))]);
        return 0;
    case ["dump-time"]:
        var watch = System.Diagnostics.Stopwatch.StartNew();
        int n = 0;
        Clusterd.Kernel.Conntrack.ConntrackDump.Read(0x40000000, _ => n++);
        Console.WriteLine($"{n} entries in {watch.ElapsedMilliseconds} ms");
        return 0;
    default:
        Console.Error.WriteLine("usage: ipc-bench conntrack-fill COUNT SHARED MARKHEX...");
        return 2;
}
