using System.Text;

namespace ClusterControl;

/// <summary>
/// Text from the command line or from clusterd on its way to a terminal: control characters in
/// it (escape sequences that move the cursor, retitle the window, clear the screen) are shown as
/// \xNN instead of being obeyed. Line ends stay, so a message of several lines prints as such;
/// printable text, backslashes included, is unchanged — the messages the commands copy from their
/// originals stay exact.
/// </summary>
public static class TerminalText
{
    public static string Escape(string text)
    {
        if (!text.Any(NeedsEscape)) return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            if (NeedsEscape(c)) escaped.Append($"\\x{(int)c:x2}");
            else escaped.Append(c);
        }
        return escaped.ToString();
    }

    /// <summary>
    /// <see cref="Escape"/> for text that must stay one line (an error message that echoes a word of
    /// the command line): a newline in it is escaped too.
    /// </summary>
    public static string EscapeLine(string text) => Escape(text).Replace("\n", "\\x0a", StringComparison.Ordinal);

    /// <summary>C0 controls but the newline, DEL, and the C1 controls (U+0080–U+009F, which some terminals obey too).</summary>
    private static bool NeedsEscape(char c) => c is (< ' ' and not '\n') or '\x7f' or (>= '\x80' and <= '\x9f');
}
