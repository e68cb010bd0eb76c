using System.Collections.Immutable;

namespace ClusterControl;

/// <summary>clusterd's answer to <see cref="ControlOp.Ping"/>: what a health probe needs, cheap to produce.</summary>
/// <param name="Digest">SHA-256 of the configuration's <c>clconfig -save</c> script, lowercase hex — what <c>sha256sum</c> prints for the saved script.</param>
/// <param name="Stalled">The worker threads (verdict queues, conntrack events, address events) that have not finished a round lately; empty when all are alive.</param>
public sealed record PingAnswer(string Digest, ImmutableArray<string> Stalled);
