using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Facts;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

/// <summary>
/// <c>deployment-env apply --from-dotenv</c> reads back what <c>npx convex env list</c> printed: every value the CLI can
/// print faithfully comes back unchanged. The printer below follows the cited source line by line (facts table,
/// cli-env-list-output: formatEnvValueForDotfile.ts and envList in lib/env.ts at the pinned revision).
/// </summary>
public sealed class EnvListTextRoundTripTests
{
    /// <summary>formatEnvValueForDotfile's choice of quoting (its warnings go to stderr and do not matter here).</summary>
    private static string Format(string value)
    {
        var newline = value.Contains('\n', StringComparison.Ordinal);
        var single = value.Contains('\'', StringComparison.Ordinal);
        var dbl = value.Contains('"', StringComparison.Ordinal);
        var slashN = value.Contains("\\n", StringComparison.Ordinal);
        var hash = value.Contains('#', StringComparison.Ordinal);
        if (newline)
        {
            return !single ? $"'{value}'" : !slashN ? $"\"{value.Replace("\n", "\\n", StringComparison.Ordinal)}\"" : $"'{value}'";
        }

        if ((value.StartsWith('"') && value.EndsWith('"')) || (value.StartsWith('\'') && value.EndsWith('\'')) || value.StartsWith('`')
            || value.EndsWith('`') || value.Contains('\f', StringComparison.Ordinal) || value.Contains('\v', StringComparison.Ordinal) || hash)
        {
            return single && !dbl && !slashN ? $"\"{value}\"" : $"'{value}'";
        }

        return value;
    }

    /// <summary>What envList writes to standard output: console.log of NAME=formatted, one per variable.</summary>
    private static string EnvList(IReadOnlyDictionary<string, string> variables) =>
        string.Concat(variables.Select(v => $"{v.Key}={Format(v.Value)}\n"));

    public static TheoryData<string> Values() =>
    [
        "plain", "", "two words", "a=b=c", "#hash", "x # comment-like", "it's", "it's #1", "'single-quoted'", "\"double\"",
        "`tick", "tick`", "form\ffeed", "vertical\vtab", "line\nbreak", "trailing\n", "\n", "it's\nmultiline", "a\nb\nc",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n", "{\"kty\":\"RSA\",\"n\":\"0vx\"}", "both ' and \" #",
        "literal \\n only", "unicode \u2028 separator", "next\u0085line", "'opening quote only",
    ];

    [Theory]
    [MemberData(nameof(Values))]
    public void A_value_printed_by_env_list_reads_back_unchanged(string value)
    {
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["A_FIRST"] = "1", ["VALUE"] = value, ["Z_LAST"] = "z" };

        var parsed = EnvListText.Parse(EnvList(variables), "FILE");

        Assert.Equal(variables, parsed);
    }

    [Fact]
    public void The_printer_here_is_the_cited_one()
    {
        var fact = ConvexFacts.Embedded().Get("cli-env-list-output");
        Assert.Contains(fact.Sources, s => s.File.EndsWith("formatEnvValueForDotfile.ts", StringComparison.Ordinal));
        Assert.Contains(fact.Sources, s => s.Match.Contains("${name}=${formatted}", StringComparison.Ordinal));
    }
}
