namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// Reads what <c>npx convex env list</c> prints on standard output: one <c>NAME=value</c> per variable, the value
/// formatted for a .env file by the Convex CLI (facts table, cli-env-list-output: npm-packages/convex/src/cli/lib/env.ts
/// line 193 and formatEnvValueForDotfile.ts at the pinned revision): a value with a newline is wrapped in single quotes
/// (raw, over several lines) or, when it holds a single quote, in double quotes with each newline written as <c>\n</c>;
/// a one-line value that starts and ends with a quote, or holds '#', is wrapped once more. A one-line value that only
/// starts with a single quote is printed as it is; when no later line closes it, it is read as that one line.
/// Errors name the line, never its value.
/// </summary>
public static class EnvListText
{
    public static IReadOnlyDictionary<string, string> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Only CRLF (a file saved on Windows) is a line break besides LF: ReplaceLineEndings would also split on form feed,
        // NEL and U+2028, which the CLI prints inside quoted values.
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException(
                    $"{source} line {i + 1}: expected NAME=value as 'npx convex env list' prints it (save its standard output: npx convex env list > FILE)");
            }

            var name = line[..equals];
            var first = i + 1;
            var value = line[(equals + 1)..];
            if (value.StartsWith('\'') && !(value.Length > 1 && value.EndsWith('\'')))
            {
                // A single-quoted value with newlines runs until the line that ends with the closing quote.
                // Never closed: the CLI printed a one-line value that merely starts with a quote (it quotes only values
                // that start and end with one), so the line is the value.
                var close = Array.FindIndex(lines, i + 1, l => l.EndsWith('\''));
                if (close > i)
                {
                    value = string.Join('\n', [value[1..], .. lines[(i + 1)..close], lines[close][..^1]]);
                    i = close;
                }
            }
            else if (value.Length > 1 && value.StartsWith('\'') && value.EndsWith('\''))
            {
                value = value[1..^1];
            }
            else if (value.Length > 1 && value.StartsWith('"') && value.EndsWith('"'))
            {
                value = value[1..^1].Replace("\\n", "\n", StringComparison.Ordinal);
            }

            if (!result.TryAdd(name, value))
            {
                throw new FormatException($"{source} line {first}: {name} appears more than once; give each variable once");
            }
        }

        var problems = DeploymentEnvRules.Problems(result);
        return problems.Count == 0 ? result : throw new FormatException($"{source}: {string.Join("; ", problems)}");
    }
}
