using System.CommandLine;
using System.Globalization;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Releases;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra releases --stack NAME [--set REV]</c>: the self-hosted releases of get-convex/convex-backend newer
/// than the stack's pin, with dates and compare links; <c>--set</c> moves the pin after the checks <c>plan</c> runs.
/// </summary>
public sealed class ReleasesCommand : ICliCommand
{
    public string Name => "releases";

    public string Summary => "List upstream Convex releases newer than a stack's pin; --set moves the pin after plan's checks.";

    public Command Build(CliConsole console)
    {
        var stack = CliKit.Text("--stack", "NAME", "the stack whose imageRevision to compare (reads Pulumi.NAME.yaml; required)");
        var set = CliKit.Text("--set", "REV", "rewrite the stack file's imageRevision to this release: its tag (precompiled-YYYY-MM-DD-SHA) or its full commit SHA");
        var all = CliKit.Flag("--all", "also list the releases older than the pin, marked 'older'");
        var apiUrl = CliKit.Text("--api-url", "URL", $"GitHub's API base URL (default: ${GitHubTags.ApiUrlVariable}, else {GitHubTags.DefaultApiUrl})");
        var rootDir = CliKit.Text("--root", "DIR", "the repository root holding Pulumi.yaml (default: search upwards from here)");
        var command = CliKit.Verb(Name, Summary, """
            Reads every tag of get-convex/convex-backend from GitHub's tags API (about 11 pages of 100; with
            GITHUB_TOKEN set, the token is sent and the limit is 5,000 requests an hour instead of 60; it is never
            printed). Release tags are named precompiled-YYYY-MM-DD-<short sha>: the API gives no dates, so the
            date is the one in the name. Lists the releases dated after the stack's pin, newest first, each with
            its commit and the compare view from the pin; says how many are older.

            --set REV rewrites only the value of convex-infra:imageRevision in Pulumi.NAME.yaml (every other byte
            of the file stays), after the checks `plan` runs: every setting validated, and the move from the
            current pin checked as `pulumi up` checks it (a release older than the pin needs
            allowRevisionDowngrade; leaving 4d3b0a5 on AWS needs storageMigrationConfirmed, docs/aws.md). Then run
            `convex-infra plan --stack NAME` and `pulumi up`, which takes the pre-upgrade export first.

            Exit codes: 0 listed or set; 1 GitHub's API failed (rate limit, network, 404/5xx), REV is not a
            release, or the checks refused the new revision (the file is then unchanged); 2 bad arguments.

            Examples:
              convex-infra releases --stack prod
              convex-infra releases --stack dev --set precompiled-2026-08-22-652b828
            """, stack, set, all, apiUrl, rootDir);
        CliKit.Run(command, console, async (result, cancellationToken) =>
        {
            try
            {
                return await RunAsync(console, CliKit.Required(result, stack, "dev"), result.GetValue(set), result.GetValue(all),
                    GitHubTags.BaseUri(result.GetValue(apiUrl), console), result.GetValue(rootDir), cancellationToken);
            }
            catch (InputException e)
            {
                await console.Error.WriteLineAsync($"convex-infra releases: {e.Message}");
                return ExitCodes.Failed;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, string stack, string? set, bool all, Uri apiBase, string? rootOption, CancellationToken cancellationToken)
    {
        var root = StackFileCheck.Root(console, rootOption);
        if (await StackFileCheck.LocateAsync(console, "releases", root, stack) is not { } stackFile)
        {
            return ExitCodes.Failed;
        }

        var text = await File.ReadAllTextAsync(stackFile, cancellationToken);
        if (await StackFileCheck.ValidateAsync(console, root, stack, text, "fix it first") is not { } current)
        {
            return ExitCodes.Failed;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var tags = await new GitHubTags(http, apiBase, console.GetEnvironmentVariable("GITHUB_TOKEN")).ListAsync(cancellationToken);
        var releases = UpstreamReleases.Releases(tags);
        var standing = UpstreamReleases.Stand(releases, current.ImageRevision);
        if (set is null)
        {
            await console.Out.WriteAsync(Listing(stack, standing, all));
            return ExitCodes.Ok;
        }

        return await SetAsync(console, stack, root, stackFile, text, current, standing, releases, set, cancellationToken);
    }

    private static async Task<int> SetAsync(
        CliConsole console, string stack, string root, string stackFile, string text, DeploymentSpec current, ReleaseStanding standing,
        IReadOnlyList<UpstreamRelease> releases, string wanted, CancellationToken cancellationToken)
    {
        if (UpstreamReleases.Find(releases, wanted) is not { } release)
        {
            var example = standing.Newer.Count > 0 ? standing.Newer[0].Tag : releases.Count > 0 ? releases[0].Tag : "precompiled-2026-08-22-652b828";
            throw new InputException(
                $"--set: got '{wanted}', which is not a release of {UpstreamReleases.Repository}; expected a precompiled-YYYY-MM-DD-<sha> tag or its full commit SHA, " +
                $"e.g. --set {example} (run without --set for the list)");
        }

        if (release.CommitSha == current.ImageRevision)
        {
            await console.Out.WriteLineAsync($"Pulumi.{stack}.yaml already pins {release.CommitSha} ({release.Tag}); nothing changed.");
            return ExitCodes.Ok;
        }

        var edited = StackFileEdit.SetScalar(text, SettingKeys.ImageRevision, release.CommitSha);
        if (await StackFileCheck.ValidateAsync(console, root, stack, edited, "the file was not changed") is not { } next)
        {
            return ExitCodes.Failed;
        }

        if (standing.Older.Contains(release) && !next.Extensions.AllowRevisionDowngrade)
        {
            throw new InputException(
                $"--set: {release.Tag} ({release.Date:yyyy-MM-dd}) is older than the pin {standing.Pinned!.Tag} ({standing.Pinned.Date:yyyy-MM-dd}); " +
                "Convex migrations are forward-only, so an older backend on a database the newer one migrated is unsupported. " +
                $"Restore an export into a fresh stack instead (docs/ops.md, \"Rollback by restore\"), or set {SettingKeys.AllowRevisionDowngrade.FullName}: true " +
                "if you know the schema did not change. The file was not changed");
        }

        var decision = StackFileCheck.Revision(next, current.ImageRevision)!;
        if (!decision.Allowed)
        {
            throw new InputException($"{decision.Message}. The file was not changed");
        }

        await File.WriteAllTextAsync(stackFile, edited, cancellationToken);
        await console.Out.WriteAsync(string.Join(Environment.NewLine,
        [
            $"Pulumi.{stack}.yaml: imageRevision {current.ImageRevision} → {release.CommitSha} ({release.Tag}, {Day(release.Date)}).",
            $"  What changed: {release.CompareUrl(current.ImageRevision)}",
            $"  {decision.Message}",
            $"Next: convex-infra plan --stack {stack} --running-revision {current.ImageRevision}, then pulumi up --stack {stack}.",
            string.Empty,
        ]));
        return ExitCodes.Ok;
    }

    internal static string Listing(string stack, ReleaseStanding standing, bool all)
    {
        var lines = new List<string>();
        if (standing.Pinned is { } pinned)
        {
            lines.Add($"Stack {stack} pins {standing.PinnedRevision} ({pinned.Tag}, {Day(pinned.Date)}).");
            lines.Add(standing.Newer.Count == 0
                ? "No newer release."
                : $"{standing.Newer.Count} newer release(s), newest first:");
            lines.AddRange(standing.Newer.Select(r => Row(r, standing.PinnedRevision, older: false)));
            if (standing.Older.Count > 0)
            {
                lines.Add(all
                    ? $"{standing.Older.Count} older release(s):"
                    : $"{standing.Older.Count} release(s) are older than the pin (list them with --all).");
                if (all)
                {
                    lines.AddRange(standing.Older.Select(r => Row(r, standing.PinnedRevision, older: true)));
                }
            }

            if (standing.Newer.Count > 0)
            {
                lines.Add($"Move to the newest: convex-infra releases --stack {stack} --set {standing.Newer[0].Tag}");
            }
        }
        else
        {
            lines.Add($"Stack {stack} pins {standing.PinnedRevision}, which no precompiled-YYYY-MM-DD-<sha> release tag points at, so releases cannot be placed before or after it.");
            lines.Add($"{standing.Newer.Count} release(s), newest first:");
            lines.AddRange(standing.Newer.Select(r => Row(r, standing.PinnedRevision, older: false)));
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }

    private static string Row(UpstreamRelease release, string pin, bool older) =>
        $"  {Day(release.Date)}  {release.Tag,-32} {release.CommitSha}{(older ? "  older" : string.Empty)}{Environment.NewLine}              {release.CompareUrl(pin)}";

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
