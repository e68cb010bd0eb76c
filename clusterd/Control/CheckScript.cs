using System.Text;
using ClusterControl;

namespace Clusterd.Control;

/// <summary>A health check as the words of the <c>clconfig -check</c> line that sets it, quoted for sh; options at their default are left out.</summary>
public static class CheckScript
{
    public static string Words(HealthCheck check)
    {
        var words = new StringBuilder(check.Kind.Word());
        switch (check.Kind)
        {
            case CheckKind.Tcp or CheckKind.Shared:
                words.Append(' ').Append(check.Port);
                break;
            case CheckKind.Http:
                words.Append(' ').Append(check.Port).Append(' ').Append(Quoted(check.Path!));
                if (check.Expect != HealthCheck.DefaultExpect) words.Append(" expect ").Append(check.Expect);
                break;
            case CheckKind.Exec:
                words.Append(' ').Append(Quoted(check.Command!));
                break;
            default:
                return words.ToString(); // none: no options
        }
        Option(words, "interval", check.IntervalMs, HealthCheck.DefaultIntervalMs);
        Option(words, "timeout", check.TimeoutMs, HealthCheck.DefaultTimeoutMs);
        Option(words, "rise", check.Rise, HealthCheck.DefaultRise);
        Option(words, "fall", check.Fall, HealthCheck.DefaultFall);
        return words.ToString();
    }

    private static void Option(StringBuilder words, string name, int value, int defaultValue)
    {
        if (value != defaultValue) words.Append(' ').Append(name).Append(' ').Append(value);
    }

    /// <summary>The word as sh reads it back: bare when it holds only safe characters, else in single quotes.</summary>
    private static string Quoted(string word) =>
        word.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '=' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
