using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Bench;

/// <summary>
/// For the demo: opens connections one by one, prints which node greeted each and the totals,
/// runs a command while they are all still open (to show the status), then closes them.
/// </summary>
public static class Hold
{
    public static int Run(IPEndPoint target, int count, string[] command)
    {
        var held = new List<Socket>();
        var totals = new SortedDictionary<string, int>();
        try
        {
            for (int i = 1; i <= count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = 5000 };
                held.Add(socket);
                socket.Connect(target);
                var buffer = new byte[128];
                string node = Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer)).Split(' ', '\n')[0];
                totals[node] = totals.GetValueOrDefault(node) + 1;
                Console.WriteLine($"connection {i,2}: {node}");
            }
            Console.WriteLine("totals: " + string.Join(", ", totals.Select(t => $"{t.Key} {t.Value}")));
            if (command.Length == 0) return 0;
            Console.Out.Flush();
            using var process = Process.Start(new ProcessStartInfo(command[0], command[1..]) { UseShellExecute = false })!;
            process.WaitForExit();
            return process.ExitCode;
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }
    }
}
