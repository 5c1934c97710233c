using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Tests.Ops;

public sealed class UpstreamReleasesTests
{
    private const string Pin = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";

    private static readonly UpstreamTag[] Tags =
    [
        new("npm/1.39.0", "1111111111111111111111111111111111111111"),
        new("self-hosted-release-2025-02-19-663640f", "663640f111111111111111111111111111111111"),
        new("testing-precompiled-2024-05-09-1830f73", "1830f73111111111111111111111111111111111"),
        new("precompiled-2026-08-22-652b828", Pin),
        new("precompiled-2026-08-21-af963fc", "af963fc111111111111111111111111111111111"),
        new("precompiled-2026-09-30-bbbbbbb", "bbbbbbb111111111111111111111111111111111"),
        new("precompiled-2026-09-30-aaaaaaa", "aaaaaaa111111111111111111111111111111111"),
        new("precompiled-2026-13-01-ccccccc", "ccccccc111111111111111111111111111111111"),
        new("precompiled-2026-10-01-ddddddd", "eeeeeee111111111111111111111111111111111"),
    ];

    [Fact]
    public void Only_dated_precompiled_tags_whose_name_matches_their_commit_are_releases_newest_first()
    {
        var releases = UpstreamReleases.Releases(Tags);

        Assert.Equal(
            ["precompiled-2026-09-30-bbbbbbb", "precompiled-2026-09-30-aaaaaaa", "precompiled-2026-08-22-652b828", "precompiled-2026-08-21-af963fc"],
            releases.Select(r => r.Tag));
        Assert.Equal(new DateOnly(2026, 8, 22), releases[2].Date);
    }

    [Fact]
    public void The_pin_splits_the_releases_into_newer_and_older()
    {
        var standing = UpstreamReleases.Stand(UpstreamReleases.Releases(Tags), Pin);

        Assert.Equal("precompiled-2026-08-22-652b828", standing.Pinned!.Tag);
        Assert.Equal(2, standing.Newer.Count);
        Assert.Equal("precompiled-2026-08-21-af963fc", Assert.Single(standing.Older).Tag);
        Assert.Equal($"https://github.com/get-convex/convex-backend/compare/{Pin}...bbbbbbb111111111111111111111111111111111", standing.Newer[0].CompareUrl(Pin));
    }

    [Fact]
    public void An_unknown_pin_cannot_be_placed_so_every_release_is_listed()
    {
        var standing = UpstreamReleases.Stand(UpstreamReleases.Releases(Tags), "4d3b0a5de955a258e70e3813bbff486051d88820");

        Assert.Null(standing.Pinned);
        Assert.Equal(4, standing.Newer.Count);
        Assert.Empty(standing.Older);
    }

    [Theory]
    [InlineData("precompiled-2026-08-21-af963fc", "precompiled-2026-08-21-af963fc")]
    [InlineData("af963fc111111111111111111111111111111111", "precompiled-2026-08-21-af963fc")]
    [InlineData("af963fc", null)]
    [InlineData("precompiled-2026-10-01-ddddddd", null)]
    public void A_release_is_found_by_its_tag_or_its_full_commit(string wanted, string? tag) =>
        Assert.Equal(tag, UpstreamReleases.Find(UpstreamReleases.Releases(Tags), wanted)?.Tag);
}
