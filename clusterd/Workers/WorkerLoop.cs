using Clusterd.Core;
using Clusterd.Kernel.Netlink;

namespace Clusterd.Workers;

/// <summary>
/// A background thread that repeats one step — wait a short while for kernel messages, hand them to
/// the core — until disposed. A failure is logged and the step tried again a moment later: no kernel
/// hiccup ends the daemon, and no error loop spins a core. This is one of the daemon's top-level
/// guards (docs/ARCHITECTURE.md, "Errors"): a kernel failure is one line; anything else is a bug, and
/// is logged whole, but still does not end the daemon, as an exception escaping a thread would.
/// </summary>
/// <param name="name">The thread's name, also the prefix of its log lines.</param>
public abstract class WorkerLoop(string name) : IDisposable
{
    /// <summary>How long one round waits for messages at most, so that a stop is noticed soon.</summary>
    protected const int StepTimeoutMs = 250;

    private static readonly TimeSpan AfterError = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// A worker that has not finished a round for this long is stalled. A round waits at most
    /// <see cref="StepTimeoutMs"/>; handling a large burst, or a recount of a large conntrack table,
    /// takes longer, but not seconds on end unless something is stuck.
    /// </summary>
    public const long StallLimitMs = 3000;

    private Thread? _thread;
    private volatile bool _stopping;
    private long _lastRoundAt = Environment.TickCount64;

    public string Name => name;

    /// <summary>True when the thread has not finished a round within <see cref="StallLimitMs"/> of <paramref name="now"/> (<see cref="Environment.TickCount64"/>).</summary>
    public bool IsStalled(long now) => now - Volatile.Read(ref _lastRoundAt) > StallLimitMs;

    public void Start()
    {
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>Once, on the loop's own thread, before its first round: for what applies to a thread (its scheduling).</summary>
    protected virtual void OnThreadStart() { }

    /// <summary>One round: waits at most <see cref="StepTimeoutMs"/> for work and does it.</summary>
    protected abstract void RunOnce();

    /// <summary>Releases what the loop reads from, once its thread has ended.</summary>
    protected abstract void Release();

    private void Run()
    {
        OnThreadStart();
        while (!_stopping)
        {
            try
            {
                RunOnce();
            }
            catch (Exception e) when (e is NetlinkException or KernelRefusedException)
            {
                Log.Error($"{name}: {e.Message}");
                Thread.Sleep(AfterError);
            }
            catch (Exception e)
            {
                Log.Error($"{name}: unexpected failure, trying again: {e}");
                Thread.Sleep(AfterError);
            }
            Volatile.Write(ref _lastRoundAt, Environment.TickCount64);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread?.Join();
        Release();
        GC.SuppressFinalize(this);
    }
}
