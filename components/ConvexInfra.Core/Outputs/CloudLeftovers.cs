using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Outputs;

/// <summary>
/// Lines an env file keeps from Convex Cloud. The Convex CLI reads <c>CONVEX_DEPLOY_KEY</c> before anything else and then
/// acts on the cloud deployment it names, whatever CONVEX_SELF_HOSTED_URL says; next to the self-hosted pair,
/// <c>CONVEX_DEPLOYMENT</c> makes it exit with an error ("CONVEX_DEPLOYMENT must not be set when CONVEX_SELF_HOSTED_URL
/// and CONVEX_SELF_HOSTED_ADMIN_KEY are set"; facts cli-env-deploy-key and cli-env-deployment). So
/// <c>convex-infra env --write</c> comments both out (each with a dated note) unless told to keep them.
/// </summary>
public static partial class CloudLeftovers
{
    public static IReadOnlyList<string> Names { get; } = ["CONVEX_DEPLOYMENT", "CONVEX_DEPLOY_KEY"];

    /// <summary>The text with every active leftover line commented out, and the names found (in file order, once each).</summary>
    public static CloudLeftoverRewrite CommentOut(string text, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(text);
        var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        var lines = text.Split('\n');
        var output = new List<string>(lines.Length + 2);
        var found = new List<string>();
        foreach (var raw in lines)
        {
            var line = raw.EndsWith('\r') ? raw[..^1] : raw;
            var match = Assignment().Match(line);
            if (!match.Success || !Names.Contains(match.Groups["name"].Value, StringComparer.Ordinal))
            {
                output.Add(line);
                continue;
            }

            var name = match.Groups["name"].Value;
            if (!found.Contains(name, StringComparer.Ordinal))
            {
                found.Add(name);
            }

            output.Add(Note(name, today));
            output.Add("# " + line);
        }

        return new CloudLeftoverRewrite(string.Join(newline, output), found);
    }

    /// <summary>The note above a commented-out line; it names the date and why, so the change explains itself.</summary>
    public static string Note(string name, DateOnly today) =>
        $"# convex-infra env, {today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}: commented out {name} (a Convex Cloud setting; " +
        "while it is set the Convex CLI uses the cloud deployment or refuses to run, never CONVEX_SELF_HOSTED_URL). Pass --keep-cloud to keep it.";

    [GeneratedRegex(@"^\s*(export\s+)?(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*=")]
    private static partial Regex Assignment();
}

/// <summary>The rewritten text and the leftover names that were commented out (empty: the text is unchanged).</summary>
public sealed record CloudLeftoverRewrite(string Text, IReadOnlyList<string> CommentedOut);
