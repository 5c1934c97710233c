using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Ops;

/// <summary>One tag as GitHub's tags API lists it: the tag's name and the SHA of the commit it points at.</summary>
public sealed record UpstreamTag(string Name, string CommitSha);

/// <summary>A self-hosted release: a <c>precompiled-YYYY-MM-DD-&lt;short sha&gt;</c> tag, dated by its name.</summary>
public sealed record UpstreamRelease(string Tag, DateOnly Date, string CommitSha)
{
    /// <summary>GitHub's compare view from <paramref name="fromRevision"/> to this release.</summary>
    public string CompareUrl(string fromRevision) => $"{UpstreamReleases.WebUrl}/compare/{fromRevision}...{CommitSha}";
}

/// <summary>Where a stack's pin stands among the releases.</summary>
/// <param name="Pinned">The release whose commit is the pin; null when no release tag points at it.</param>
/// <param name="Newer">Releases dated after the pin's, newest first (every release when the pin is unknown).</param>
/// <param name="Older">Releases dated before the pin's, newest first.</param>
public sealed record ReleaseStanding(string PinnedRevision, UpstreamRelease? Pinned, IReadOnlyList<UpstreamRelease> Newer, IReadOnlyList<UpstreamRelease> Older);

/// <summary>
/// The self-hosted releases of get-convex/convex-backend. GitHub's tags API returns only each tag's name and commit
/// (no date, fact <c>github-tags-api-shape</c>), and the release tags carry their date in the name
/// (<c>precompiled-2026-08-22-652b828</c>), so the date is read from the name: one request per page, no commit lookups.
/// </summary>
public static partial class UpstreamReleases
{
    public const string Repository = "get-convex/convex-backend";
    public const string WebUrl = "https://github.com/" + Repository;

    /// <summary>The release tags among <paramref name="tags"/>; other tags (npm packages, branches of work) are skipped.</summary>
    public static IReadOnlyList<UpstreamRelease> Releases(IEnumerable<UpstreamTag> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var releases = new List<UpstreamRelease>();
        foreach (var tag in tags)
        {
            var match = ReleaseTag().Match(tag.Name);
            if (!match.Success || !DateOnly.TryParseExact(match.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                continue;
            }

            // The short SHA in the name must be the commit's: a tag whose name lies about its commit is not trusted.
            if (!tag.CommitSha.StartsWith(match.Groups["sha"].Value, StringComparison.Ordinal))
            {
                continue;
            }

            releases.Add(new UpstreamRelease(tag.Name, date, tag.CommitSha));
        }

        return releases.OrderByDescending(r => r.Date).ThenByDescending(r => r.Tag, StringComparer.Ordinal).ToList();
    }

    /// <summary>Splits <paramref name="releases"/> around the release at <paramref name="pinnedRevision"/>.</summary>
    public static ReleaseStanding Stand(IReadOnlyList<UpstreamRelease> releases, string pinnedRevision)
    {
        ArgumentNullException.ThrowIfNull(releases);
        ArgumentNullException.ThrowIfNull(pinnedRevision);
        var pinned = releases.FirstOrDefault(r => r.CommitSha == pinnedRevision);
        if (pinned is null)
        {
            return new ReleaseStanding(pinnedRevision, null, releases, []);
        }

        var others = releases.Where(r => r != pinned).ToList();
        return new ReleaseStanding(pinnedRevision, pinned, others.Where(r => r.Date > pinned.Date).ToList(), others.Where(r => r.Date < pinned.Date).ToList());
    }

    /// <summary>The release <paramref name="wanted"/> names: its tag or its full commit SHA; null when none does.</summary>
    public static UpstreamRelease? Find(IReadOnlyList<UpstreamRelease> releases, string wanted)
    {
        ArgumentNullException.ThrowIfNull(releases);
        return releases.FirstOrDefault(r => r.Tag == wanted || r.CommitSha == wanted);
    }

    [GeneratedRegex(@"^precompiled-(?<date>\d{4}-\d{2}-\d{2})-(?<sha>[0-9a-f]{7,40})$")]
    private static partial Regex ReleaseTag();
}
