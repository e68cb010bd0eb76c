using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using ClusterControl;
using ClusterControl.Firewall;
using Clusterd.Core;
using Clusterd.State;

namespace Clusterd.Health;

/// <summary>
/// The active health checks: one timer for every checked node, probes as asynchronous sockets (or
/// processes, for exec), results to <see cref="ClusterService.CheckResult"/>, which keeps the state.
/// Probes start on a fixed cadence of the check's interval, not after the last one ended, so a
/// probe left without answer until its timeout does not stretch the time to notice a dead node. A
/// node set down, or not checked, is not probed.
/// </summary>
public sealed class HealthChecker(ClusterService service) : IDisposable
{
    /// <summary>How often due probes are looked for: the cadence's granularity.</summary>
    private const int TickMs = 50;

    private static readonly TcpProbe Tcp = new();
    private static readonly HttpProbe Http = new();
    private static readonly ExecProbe Exec = new();

    /// <summary>Per checked node id, when its next probe is due; touched only by the timer's loop.</summary>
    private readonly Dictionary<int, Slot> _slots = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task? _loop;
    private int _round;

    private sealed class Slot
    {
        public long Due;
        public int Round;
        /// <summary>Set while a probe runs (cleared by the probe's continuation, on another thread).</summary>
        public volatile bool Probing;
    }

    public void Start() => _loop = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(TickMs));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token)) Tick(Environment.TickCount64);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Starts the probes due at <paramref name="now"/> (milliseconds) and forgets nodes no longer checked.</summary>
    private void Tick(long now)
    {
        var config = service.Config;
        int round = ++_round;
        foreach (var pool in config.Pools)
        {
            Ipv4Address? shared = null;
            bool sharedKnown = false;
            foreach (var node in pool.Nodes)
            {
                if (node.State != NodeState.Up || pool.CheckOf(node) is not { } check) continue;
                if (!_slots.TryGetValue(node.Id, out var slot)) _slots[node.Id] = slot = new Slot { Due = now };
                slot.Round = round;
                if (slot.Probing || now < slot.Due) continue;
                slot.Due = Math.Max(slot.Due + check.IntervalMs, now);
                if (check.Kind == CheckKind.Shared && !sharedKnown)
                {
                    shared = SharedAddressOf(config, pool.Name);
                    sharedKnown = true;
                }
                slot.Probing = true;
                _ = ProbeAsync(slot, new ProbeTarget(node, pool.Name, pool.Forward, check, shared));
            }
        }
        if (_slots.Count > 0)
            foreach (var (id, slot) in _slots)
                if (slot.Round != round) _slots.Remove(id);
    }

    private async Task ProbeAsync(Slot slot, ProbeTarget target)
    {
        ProbeResult result;
        long started = Stopwatch.GetTimestamp();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            timeout.CancelAfter(target.Check.TimeoutMs);
            try
            {
                result = await ProbeOf(target.Check.Kind).RunAsync(target, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                result = ProbeResult.Fail($"no answer within {target.Check.TimeoutMs} ms");
            }
            catch (Exception e) when (e is SocketException or IOException or Win32Exception or InvalidOperationException)
            {
                result = ProbeResult.Fail(e.Message);
            }
            finally
            {
                slot.Probing = false;
            }
        }
        if (!_stopping.IsCancellationRequested) service.CheckResult(target.Node.Id, result.Passed, result.Detail, Stopwatch.GetElapsedTime(started));
    }

    private static IProbe ProbeOf(CheckKind kind) => kind switch
    {
        CheckKind.Http => Http,
        CheckKind.Exec => Exec,
        _ => Tcp,
    };

    /// <summary>The shared address of <paramref name="pool"/>: the single destination address of its first cluster rule that has one.</summary>
    internal static Ipv4Address? SharedAddressOf(ClusterConfig config, string pool) =>
        config.FirewallRules.FirstOrDefault(r => r.Policy == RulePolicy.Cluster && r.Pool == pool && r.Destination.Mask.Value == uint.MaxValue)
            is { } rule ? rule.Destination.Address : null;

    public void Dispose()
    {
        _stopping.Cancel();
        try
        {
            _loop?.Wait();
        }
        catch (AggregateException)
        {
        }
        _stopping.Dispose();
    }
}
