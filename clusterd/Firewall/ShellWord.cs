namespace Clusterd.Firewall;

/// <summary>
/// A word of the <c>clconfig -save</c> script as sh must read it back: left bare when nothing in
/// it is special to the shell, else in single quotes (a quote inside written as '\''), so an -W
/// name such as "dmz net" or "a;b" re-applies as exactly that name.
/// </summary>
public static class ShellWord
{
    public static string Quote(string word) =>
        word.Length > 0 && word.All(IsPlain) ? word : "'" + word.Replace("'", "'\\''") + "'";

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' or ':' or '@' or '%' or '+' or ',';
}
