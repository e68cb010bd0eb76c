using ClusterControl;

namespace Clusterd.Control;

/// <summary>An answer and, for answers with a body, what writes the body once the answer line is sent.</summary>
public sealed record ControlReply(ControlAnswer Answer, Action<Stream>? WriteBody = null)
{
    public static ControlReply Done { get; } = new(ControlAnswer.Done);

    /// <summary>
    /// A body written as text (UTF-8), through a buffer so large bodies stream. The buffer stays under
    /// the large-object threshold (16 Ki chars, and the ~48 KiB of bytes they encode to): a larger one
    /// would put two fresh large-object arrays on the heap per answer, which anyone asking for a
    /// listing could make creep.
    /// </summary>
    public static ControlReply Text(Action<TextWriter> writeText) => new(ControlAnswer.WithBody, stream =>
    {
        using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true);
        writeText(writer);
    });

    /// <summary>A body written as JSON, streamed as it is produced.</summary>
    public static ControlReply Json(Action<System.Text.Json.Utf8JsonWriter> writeJson) => new(ControlAnswer.WithBody, stream =>
    {
        using var writer = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true });
        writeJson(writer);
        writer.Flush();
        stream.WriteByte((byte)'\n');
    });

    public static ControlReply Fail(ControlError error, string message) => new(ControlAnswer.Fail(error, message));
}

