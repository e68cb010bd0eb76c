namespace Ipfwadm.Tests;

/// <summary>One command of a case and what it must print and return.</summary>
public sealed record CaseStep(string[] Words, string Stdout, string Stderr, int ExitCode);

/// <summary>A numbered case of a .cases file: commands run in order against one fresh clusterd.</summary>
public sealed record CommandCase(string Name, IReadOnlyList<CaseStep> Steps)
{
    public override string ToString() => Name;

    /// <summary>Reads a .cases file (format in its header comment).</summary>
    public static IEnumerable<CommandCase> Load(string path)
    {
        string? name = null;
        var steps = new List<CaseStep>();
        string[]? words = null;
        var stdout = new List<string>();
        var stderr = new List<string>();
        int exit = 0;

        void EndStep()
        {
            if (words is not null) steps.Add(new CaseStep(words, Lines(stdout), Lines(stderr), exit));
            words = null;
            stdout.Clear();
            stderr.Clear();
            exit = 0;
        }

        foreach (string line in File.ReadLines(path))
        {
            if (line.StartsWith("## "))
            {
                EndStep();
                if (name is not null) yield return new CommandCase(name, steps);
                name = line[3..];
                steps = [];
            }
            else if (line.StartsWith("$ "))
            {
                EndStep();
                words = Split(line[2..]);
            }
            else if (line.StartsWith("| ") || line == "|") stdout.Add(line.Length > 2 ? line[2..] : "");
            else if (line.StartsWith("! ")) stderr.Add(line[2..]);
            else if (line.StartsWith("= ")) exit = int.Parse(line[2..]);
        }
        EndStep();
        if (name is not null) yield return new CommandCase(name, steps);
    }

    private static string Lines(List<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    /// <summary>Splits a command into words; "" is an empty word, "a b" one word.</summary>
    private static string[] Split(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        foreach (char c in command)
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (c == ' ' && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else { word.Append(c); any = true; }
        }
        if (any) words.Add(word.ToString());
        return [.. words];
    }
}
