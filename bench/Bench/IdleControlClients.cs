using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A local user crowding clusterd's control socket: <c>count</c> connections that never send a
/// byte, each reopened 100 ms after clusterd hangs it up (steady pressure, not a busy loop on the
/// cores clusterd needs). Prints "holding N" once all are open, then
/// keeps at it until its standard input closes (or it is killed).
/// </summary>
public static class IdleControlClients
{
    public static int Run(string socketPath, int count)
    {
        using var stop = new CancellationTokenSource();
        var endpoint = new UnixDomainSocketEndPoint(socketPath);
        int opened = 0;
        var holders = Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            bool first = true;
            while (!stop.IsCancellationRequested)
            {
                using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(endpoint, stop.Token);
                    if (first && Interlocked.Increment(ref opened) == count) Console.WriteLine($"holding {count}");
                    first = false;
                    var buffer = new byte[512];
                    while (await socket.ReceiveAsync(buffer, stop.Token) > 0) { } // until clusterd hangs up
                    await Task.Delay(100, stop.Token);
                }
                catch (SocketException)
                {
                    await Task.Delay(10); // the backlog is full: try again shortly
                }
                catch (OperationCanceledException) { }
            }
        })).ToArray();
        Console.In.ReadToEnd();
        stop.Cancel();
        Task.WaitAll(holders);
        return 0;
    }
}
