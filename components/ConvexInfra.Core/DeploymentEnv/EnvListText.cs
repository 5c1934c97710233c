namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// Reads what <c>npx convex env list</c> prints: one <c>NAME=value</c> per variable, the value formatted for a .env
/// file by the Convex CLI (get-convex/convex-backend npm-packages/convex/src/cli/lib/env.ts line 193, envList; the
/// quoting in npm-packages/convex/src/cli/lib/formatEnvValueForDotfile.ts line 7, at 94a42c3): a value with a newline
/// is wrapped in single quotes (raw, over several lines) or, when it holds a single quote, in double quotes with each
/// newline written as <c>\n</c>; a value that starts and ends with a quote, or holds '#', is wrapped once more.
/// Errors name the line, never its value.
/// </summary>
public static class EnvListText
{
    public static IReadOnlyDictionary<string, string> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
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
                var parts = new List<string> { value[1..] };
                while (true)
                {
                    if (++i >= lines.Length)
                    {
                        throw new FormatException($"{source} line {first}: the single-quoted value of {name} is never closed");
                    }

                    if (lines[i].EndsWith('\''))
                    {
                        parts.Add(lines[i][..^1]);
                        break;
                    }

                    parts.Add(lines[i]);
                }

                value = string.Join('\n', parts);
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
