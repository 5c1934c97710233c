using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Outputs;

/// <summary>
/// Renders dotenv files and merges owned keys into an existing one: each owned key is replaced where it
/// stands (keeping an <c>export </c> prefix and a trailing comment), later duplicates are dropped,
/// missing keys are appended, and every other line, comment and the file's line ending are kept.
/// </summary>
public static partial class DotenvFile
{
    /// <summary>A fresh file: the header comment, then one assignment per variable.</summary>
    public static string Render(IReadOnlyList<EnvVariable> variables, string header, string newline = "\n")
    {
        var lines = new List<string> { CommentLine(header) };
        lines.AddRange(variables.Select(v => DotenvSyntax.Assignment(v.Name, v.Value)));
        return string.Join(newline, lines) + newline;
    }

    /// <summary>Merges <paramref name="variables"/> into <paramref name="existing"/> (pure: text in, text out).</summary>
    public static string Merge(string existing, IReadOnlyList<EnvVariable> variables, string header)
    {
        var newline = existing.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        if (string.IsNullOrWhiteSpace(existing))
        {
            return Render(variables, header, newline);
        }

        var owned = variables.ToDictionary(v => v.Name, StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var lines = SplitLines(existing);
        var result = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var assignment = AssignmentAt(lines, i);
            if (assignment is null)
            {
                result.Add(lines[i]);
                continue;
            }

            if (!owned.TryGetValue(assignment.Name, out var variable))
            {
                result.AddRange(lines.Skip(i).Take(assignment.LineCount));
            }
            else if (placed.Add(variable.Name))
            {
                result.Add(assignment.Prefix + DotenvSyntax.Assignment(variable.Name, variable.Value) + assignment.TrailingComment);
            }

            i += assignment.LineCount - 1;
        }

        var missing = variables.Where(v => !placed.Contains(v.Name)).ToList();
        if (missing.Count > 0)
        {
            while (result.Count > 0 && result[^1].Trim().Length == 0)
            {
                result.RemoveAt(result.Count - 1);
            }

            result.Add(string.Empty);
            result.Add(CommentLine(header));
            result.AddRange(missing.Select(v => DotenvSyntax.Assignment(v.Name, v.Value)));
        }

        return string.Join(newline, result) + newline;
    }

    private static string CommentLine(string header) =>
        "# " + header.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    /// <summary>The lines without their endings; a final line ending does not make an extra empty line.</summary>
    private static List<string> SplitLines(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }

    private sealed record Assignment(string Name, string Prefix, int LineCount, string TrailingComment);

    /// <summary>The assignment starting at line <paramref name="index"/>, spanning the lines of a quoted multi-line value.</summary>
    private static Assignment? AssignmentAt(List<string> lines, int index)
    {
        var match = AssignmentStart().Match(lines[index]);
        if (!match.Success)
        {
            return null;
        }

        var name = match.Groups["name"].Value;
        var prefix = match.Groups["prefix"].Value;
        var value = lines[index][match.Length..].TrimStart();
        if (value.Length > 0 && value[0] is '\'' or '"' or '`')
        {
            var quote = value[0];
            var rest = value[1..];
            for (var line = index; line < lines.Count; line++)
            {
                var close = ClosingQuote(rest, quote);
                if (close >= 0)
                {
                    var after = rest[(close + 1)..];
                    return new Assignment(name, prefix, line - index + 1, CommentPart(after));
                }

                if (line + 1 < lines.Count)
                {
                    rest = lines[line + 1];
                }
            }

            // No closing quote anywhere: dotenv then reads the line as an unquoted value.
        }

        var hash = value.IndexOf('#', StringComparison.Ordinal);
        return new Assignment(name, prefix, 1, hash < 0 ? string.Empty : " " + value[hash..]);
    }

    /// <summary>Index of the first quote not preceded by a backslash (dotenv's <c>\'</c> does not close).</summary>
    private static int ClosingQuote(string text, char quote)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == quote && (i == 0 || text[i - 1] != '\\'))
            {
                return i;
            }
        }

        return -1;
    }

    private static string CommentPart(string afterValue)
    {
        var trimmed = afterValue.TrimStart();
        return trimmed.StartsWith('#') ? " " + trimmed : string.Empty;
    }

    [GeneratedRegex(@"^(?<prefix>\s*(?:export\s+)?)(?<name>[\w.-]+)\s*=")]
    private static partial Regex AssignmentStart();
}
