using System.Text.Json;
using ClusterControl;
using Clusterd.Core;
using Clusterd.Firewall;
using Clusterd.State;
using Clusterd.Status;

namespace Clusterd.Control;

/// <summary>
/// Turns one control request into one reply: decodes it, checks its version, its shape and the
/// caller, then dispatches. Whatever a client sends gets an answer. The kernel's queue figures,
/// when <paramref name="queues"/> reads them, are part of the JSON status.
/// </summary>
/// <param name="queues">The kernel's figures of clusterd's queues, for the status; none where clusterd has no queue.</param>
/// <param name="workers">The worker threads' health, for <see cref="ControlOp.Ping"/>; none (all healthy) where no workers run.</param>
public sealed class RequestHandler(ClusterService service, IConntrack conntrack, INetworkInterfaces interfaces,
    IQueueStatistics? queues = null, IWorkerHealth? workers = null)
{
    private readonly LiveConnections _connections = new(service);
    private readonly FirewallRequests _firewall = new(service, conntrack, interfaces);

    /// <summary>Handles one request line as it came off the socket (without its newline).</summary>
    public ControlReply Handle(ReadOnlySpan<byte> line, uint callerUid)
    {
        ControlRequest? request;
        try
        {
            request = JsonSerializer.Deserialize(line, ControlJson.Default.ControlRequest);
        }
        catch (JsonException e)
        {
            return ControlReply.Fail(ControlError.BadRequest, $"malformed request: {e.Message}");
        }
        if (request is null) return ControlReply.Fail(ControlError.BadRequest, "empty request");
        Log.Debug(1, $"uid {callerUid}: {request.Op}");
        return Handle(request, callerUid);
    }

    public ControlReply Handle(ControlRequest request, uint callerUid)
    {
        if (request.Version != ControlProtocol.Version)
            return ControlReply.Fail(ControlError.BadRequest,
                $"protocol version {request.Version} not supported (clusterd speaks {ControlProtocol.Version})");
        if (RequestShape.Problem(request) is { } malformed)
            return ControlReply.Fail(ControlError.BadRequest, $"malformed request: {malformed}");
        if (callerUid != 0 && !ControlProtocol.IsReadOnly(request))
            return ControlReply.Fail(ControlError.PermissionDenied, "permission denied (only root may change the cluster)");
        try
        {
            using (ClusterService.ActingFor(callerUid)) return Dispatch(request);
        }
        catch (RefusedException e)
        {
            return ControlReply.Fail(e.Error, e.Message);
        }
    }

    private ControlReply Dispatch(ControlRequest request)
    {
        switch (request.Op)
        {
            case ControlOp.Add: service.Change(c => PoolCommands.AddNode(c, request)); break;
            case ControlOp.Set: service.Change(c => PoolCommands.SetNode(c, request)); break;
            case ControlOp.Del: service.Change(c => PoolCommands.DeleteNode(c, request, (pool, node) => FirewallCommands.NamesNode(c, pool, node))); break;
            case ControlOp.Create: service.Change(c => PoolCommands.CreatePool(c, request)); break;
            case ControlOp.Forward: service.Change(c => PoolCommands.SetForward(c, request)); break;
            case ControlOp.Destroy: service.Change(c => PoolCommands.DestroyPool(c, request, pool => FirewallCommands.NamesPool(c, pool))); break;
            case ControlOp.Debug: service.Change(c => PoolCommands.SetDebug(c, request)); break;
            case ControlOp.Scheduler: service.Change(c => PoolCommands.SetScheduler(c, request)); break;
            case ControlOp.List: return ListPools(request.Pool, request.Format);
            case ControlOp.Status: return Status(request.Format);
            case ControlOp.Save: return Save();
            case ControlOp.Ping: return Ping();
            case ControlOp.Firewall: return _firewall.Execute(request.Firewall!); // RequestShape: present
            case ControlOp.Rate: return Rate(request.Pool, request.Format);
            case ControlOp.Check: service.Change(c => PoolCommands.SetCheck(c, request)); break;
            case ControlOp.Sticky: service.Change(c => PoolCommands.SetSticky(c, request)); break;
            case ControlOp.SlowStart: service.Change(c => PoolCommands.SetSlowStart(c, request)); break;
            default: return ControlReply.Fail(ControlError.BadRequest, $"unknown request '{request.Op}'");
        }
        return ControlReply.Done;
    }

    private ControlReply ListPools(string? poolName, OutputFormat format)
    {
        var (rows, settings) = service.Read((config, loads, health) =>
        {
            if (poolName is not null) PoolCommands.RequirePool(config, poolName);
            return (PoolRows(config, loads, health, poolName), config.Pools.Where(p => poolName is null || p.Name == poolName).ToList());
        });
        return format == OutputFormat.Json
            ? ControlReply.Json(json =>
            {
                json.WriteStartObject();
                StatusJsonWriter.WritePoolSettings(json, settings);
                StatusJsonWriter.WritePools(json, rows);
                json.WriteEndObject();
            })
            : ControlReply.Text(writer => StatusWriter.WritePools(writer, rows));
    }

    private ControlReply Status(OutputFormat format)
    {
        var (rows, config) = service.Read((config, loads, health) => (PoolRows(config, loads, health, null), config));
        var snapshot = _connections.Snapshot();
        return format == OutputFormat.Json
            ? ControlReply.Json(json => StatusJsonWriter.WriteStatus(json, rows, snapshot, service.Packets.Snapshot(), queues?.Read(), config.Pools, ConfigDigest.Of(config)))
            : ControlReply.Text(writer => StatusWriter.WriteStatus(writer, rows, snapshot));
    }

    private ControlReply Rate(string? poolName, OutputFormat format)
    {
        if (poolName is not null) service.Read((config, _) => PoolCommands.RequirePool(config, poolName));
        var nodes = service.Activity(poolName);
        return format == OutputFormat.Json
            ? ControlReply.Json(json => JsonSerializer.Serialize(json, RateWriter.Report(nodes), ControlJson.Default.RateReport))
            : ControlReply.Text(writer => RateWriter.Write(writer, nodes));
    }

    /// <summary>The health probe: cheap, no body. Reading the configuration takes the state lock, so a stuck core makes the probe time out.</summary>
    private ControlReply Ping()
    {
        var config = service.Config;
        var stalled = workers?.Stalled() ?? [];
        return new ControlReply(new ControlAnswer { Ping = new PingAnswer(ConfigDigest.Of(config), [.. stalled]) });
    }

    private ControlReply Save()
    {
        var config = service.Config;
        return ControlReply.Text(writer => ConfigScript.Write(writer, config));
    }

    private static List<PoolRow> PoolRows(ClusterConfig config, Scheduling.NodeLoads loads, HealthBook health, string? onlyPool) =>
        config.Pools
            .Where(p => onlyPool is null || p.Name == onlyPool)
            .SelectMany(p => p.Nodes.Select(n => new PoolRow(p.Name, n.Address, n.State, n.Cost, loads[n.Id])
            {
                Check = p.CheckOf(n),
                DrainTimeout = n.State == NodeState.Drain ? n.DrainTimeout : null,
                Health = p.CheckOf(n) is null ? null : health[n.Id],
            }))
            .ToList();
}
