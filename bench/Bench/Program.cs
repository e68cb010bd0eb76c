using System.Net;
using ClusterControl;
using Bench;

// The benchmark driver; bench/run calls it inside the lab's namespaces (ip netns exec).
switch (args)
{
    case ["conntrack-fill", var count, var shared, .. var marks]:
        ConntrackFiller.Fill(int.Parse(count), Ipv4Address.Parse(shared), [.. marks.Select(m => Convert.ToUInt32(m, 16))]);
        return 0;
    case ["cps", var target, var port, var seconds, var concurrency]:
        Console.WriteLine(ConnectionRate.Run(new IPEndPoint(IPAddress.Parse(target), int.Parse(port)),
            TimeSpan.FromSeconds(double.Parse(seconds)), int.Parse(concurrency)));
        return 0;
    case ["paced", var target, var port, var perSecond, var count, .. var core] when core.Length <= 1:
        Console.WriteLine(PacedConnections.Run(new IPEndPoint(IPAddress.Parse(target), int.Parse(port)), int.Parse(perSecond), int.Parse(count),
            core.Length == 1 ? int.Parse(core[0]) : null));
        return 0;
    case ["stream", var target, var port, var seconds]:
        Console.WriteLine($"mbps {Bench.Stream.MegabitsPerSecond(new IPEndPoint(IPAddress.Parse(target), int.Parse(port)), TimeSpan.FromSeconds(double.Parse(seconds))):F0}");
        return 0;
    case ["udp-flood", var target, var sources, var seconds, var rate]:
        using (new Clusterd.Kernel.Queue.ArrivalTimestamps()) // so clusterd sees arrival times and reports latency
            Console.WriteLine($"sent {FirstPacketFlood.Run(FloodPacket.Parse("udp"), IPAddress.Parse(target), IPAddress.Parse(sources), TimeSpan.FromSeconds(double.Parse(seconds)), int.Parse(rate))}");
        return 0;
    case ["flood", var kind, var target, var sources, var count, var rate]:
        Console.WriteLine($"sent {FirstPacketFlood.Run(FloodPacket.Parse(kind), IPAddress.Parse(target), IPAddress.Parse(sources), TimeSpan.FromMinutes(10), int.Parse(rate), long.Parse(count))}");
        return 0;
    case ["syn-flood", var target, var port, var sources, var seconds, var rate]:
        Console.WriteLine($"sent {FirstPacketFlood.Run(FloodPacket.Parse("syn"), IPAddress.Parse(target), IPAddress.Parse(sources), TimeSpan.FromSeconds(double.Parse(seconds)), int.Parse(rate), servicePort: ushort.Parse(port))}");
        return 0;
    case ["hold", var target, var port, var count, .. var command]:
        return Hold.Run(new IPEndPoint(IPAddress.Parse(target), int.Parse(port)), int.Parse(count), command is ["--", .. var rest] ? rest : command);
    case ["idle-control", var socket, var count]:
        return IdleControlClients.Run(socket, int.Parse(count));
    case ["greet", var port, var name]:
        Servers.Greet(int.Parse(port), name);
        return 0;
    case ["sink", var port]:
        Servers.Sink(int.Parse(port));
        return 0;
    case ["failover", var target, var port, var held]:
        return Failover.Run(new IPEndPoint(IPAddress.Parse(target), int.Parse(port)), int.Parse(held));
    case ["maglev"]:
        MaglevCost.Run();
        return 0;
    default:
        Console.Error.WriteLine("""
            usage: ipc-bench conntrack-fill COUNT SHARED MARKHEX...
                   ipc-bench cps ADDRESS PORT SECONDS CONCURRENCY
                   ipc-bench paced ADDRESS PORT PER_SECOND COUNT [FRONT_END_CORE]
                   ipc-bench stream ADDRESS PORT SECONDS
                   ipc-bench udp-flood ADDRESS SOURCE_NETWORK SECONDS PACKETS_PER_SECOND(0=max)
                   ipc-bench flood udp|syn[+ttl1|+lsrr|+badopt] ADDRESS SOURCE_NETWORK COUNT PACKETS_PER_SECOND(0=max)
                   ipc-bench syn-flood ADDRESS PORT SOURCE_NETWORK SECONDS PACKETS_PER_SECOND(0=max)
                   ipc-bench hold ADDRESS PORT COUNT [-- COMMAND...]
                   ipc-bench idle-control SOCKET COUNT
                   ipc-bench greet PORT NAME | sink PORT
                   ipc-bench failover ADDRESS PORT HELD   (then probe, open N, stop on stdin)
                   ipc-bench maglev
            """);
        return 2;
}
