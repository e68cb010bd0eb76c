namespace ClusterControl;

/// <summary>
/// Whether a node takes new connections; a <c>down</c> node keeps the ones it has, a <c>drain</c>
/// node keeps them until they end or its drain timeout passes, when they are ended.
/// </summary>
public enum NodeState { Up, Down, Drain }

/// <summary>How a pool hands a packet to its node (see clconfig(8)).</summary>
public enum ForwardMethod
{
    /// <summary>The 1997 behaviour: the destination stays the shared address; the node's private address is the next hop.</summary>
    Route,
    /// <summary>The destination is rewritten to the node's private address, and back on replies.</summary>
    Masq,
}

public static class ClusterWords
{
    public const int MinCost = 1, MaxCost = 65535, DefaultCost = 10;

    /// <summary>The longest drain timeout, in seconds: a week.</summary>
    public const int MaxDrainTimeout = 7 * 24 * 3600;

    /// <summary>The longest slow start, in seconds: an hour.</summary>
    public const int MaxSlowStart = 3600;

    public static string Word(this NodeState state) => state switch
    {
        NodeState.Up => "up",
        NodeState.Drain => "drain",
        _ => "down",
    };

    /// <summary>
    /// The state word the listings, the status file and JSON show: the operator's state, or
    /// <c>failed</c> for a node that is up but failed its health checks. The one place it is derived.
    /// </summary>
    public static string StateWord(NodeState state, bool failed) => state == NodeState.Up && failed ? "failed" : state.Word();

    /// <summary>Every word <see cref="StateWord"/> can give.</summary>
    public static IReadOnlyList<string> StateWords { get; } = [.. Enum.GetValues<NodeState>().Select(Word), "failed"];

    public static string Word(this ForwardMethod method) => method == ForwardMethod.Route ? "route" : "masq";

    public static bool TryParseState(string word, out NodeState state)
    {
        state = word switch
        {
            "down" => NodeState.Down,
            "drain" => NodeState.Drain,
            _ => NodeState.Up,
        };
        return word is "up" or "down" or "drain";
    }

    public static bool TryParseForward(string word, out ForwardMethod method)
    {
        method = word == "masq" ? ForwardMethod.Masq : ForwardMethod.Route;
        return word is "route" or "masq";
    }
}
