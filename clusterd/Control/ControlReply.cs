using ClusterControl;

namespace Clusterd.Control;

/// <summary>An answer and, for answers with a body, what writes the body once the answer line is sent.</summary>
public sealed record ControlReply(ControlAnswer Answer, Action<TextWriter>? WriteBody = null)
{
    public static ControlReply Done { get; } = new(ControlAnswer.Done);

    public static ControlReply Text(Action<TextWriter> writeBody) => new(ControlAnswer.WithBody, writeBody);

    public static ControlReply Fail(ControlError error, string message) => new(ControlAnswer.Fail(error, message));
}

/// <summary>A request refused for a reason the caller can act on; nothing was changed.</summary>
public sealed class RefusedException(ControlError error, string message) : Exception(message)
{
    public ControlError Error { get; } = error;
}
