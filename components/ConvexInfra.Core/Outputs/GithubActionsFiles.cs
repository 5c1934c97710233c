namespace ConvexInfra.Core.Outputs;

/// <summary>
/// The syntax of the files GitHub Actions reads after a step ($GITHUB_ENV, $GITHUB_OUTPUT) and of the
/// <c>::add-mask::</c> workflow command, as written by @actions/core.
/// </summary>
public static class GithubActionsFiles
{
    /// <summary>
    /// Lines to append: <c>NAME=value</c>, or for a value with line breaks the delimiter form
    /// <c>NAME&lt;&lt;DELIM</c>, the value, <c>DELIM</c>. <paramref name="delimiter"/> is random in real use.
    /// </summary>
    public static string Append(IReadOnlyList<EnvVariable> variables, string delimiter, string newline = "\n")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(delimiter);
        var text = new System.Text.StringBuilder();
        foreach (var variable in variables)
        {
            if (variable.Name.Length == 0 || variable.Name.Contains('=', StringComparison.Ordinal) || variable.Name.Contains('<', StringComparison.Ordinal)
                || variable.Name.Any(char.IsWhiteSpace))
            {
                throw new ArgumentException($"'{variable.Name}' cannot be a GitHub env or output name; expected e.g. CONVEX_SELF_HOSTED_URL", nameof(variables));
            }

            var multiline = variable.Value.Contains('\n', StringComparison.Ordinal) || variable.Value.Contains('\r', StringComparison.Ordinal);
            if (!multiline)
            {
                text.Append(variable.Name).Append('=').Append(variable.Value).Append(newline);
                continue;
            }

            if (variable.Value.Contains(delimiter, StringComparison.Ordinal))
            {
                throw new ArgumentException($"the value of {variable.Name} contains the delimiter; choose another one", nameof(delimiter));
            }

            text.Append(variable.Name).Append("<<").Append(delimiter).Append(newline)
                .Append(variable.Value).Append(newline)
                .Append(delimiter).Append(newline);
        }

        return text.ToString();
    }

    /// <summary>A delimiter as @actions/core makes one: <c>ghadelimiter_</c> and a random UUID.</summary>
    public static string NewDelimiter() => "ghadelimiter_" + Guid.NewGuid().ToString("D");

    /// <summary>
    /// <c>::add-mask::</c> commands for every secret, one per line of its value (the runner masks line by
    /// line), escaped like @actions/core's escapeData. Print them to standard output before anything else.
    /// </summary>
    public static IReadOnlyList<string> MaskCommands(IEnumerable<EnvVariable> variables) =>
        variables.Where(v => v.IsSecret)
            .SelectMany(v => v.Value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n', '\r'))
            .Where(line => line.Trim().Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Select(line => "::add-mask::" + EscapeData(line))
            .ToList();

    private static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
            .Replace("\r", "%0D", StringComparison.Ordinal)
            .Replace("\n", "%0A", StringComparison.Ordinal);
}
