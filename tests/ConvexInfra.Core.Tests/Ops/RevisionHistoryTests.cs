using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Tests.Ops;

public class RevisionHistoryTests
{
    private const string A = "4d3b0a5de955a258e70e3813bbff486051d88820";
    private const string B = "33cef775a8a6228cbacee4a09ac2c4073d62ed13";
    private const string C = "c1a7ac393888d743e704de56cf569a154b4526d4";

    [Fact]
    public void First_deploy_records_the_revision()
    {
        var decision = RevisionHistory.Decide([], A, allowDowngrade: false);

        Assert.True(decision.Allowed);
        Assert.False(decision.IsDowngrade);
        Assert.Equal([A], decision.NextHistory);
    }

    [Fact]
    public void Same_revision_is_no_change()
    {
        var decision = RevisionHistory.Decide([A, B], B, allowDowngrade: false);

        Assert.True(decision.Allowed);
        Assert.False(decision.IsChange);
        Assert.Equal([A, B], decision.NextHistory);
    }

    [Fact]
    public void A_new_revision_is_an_upgrade_that_asks_for_an_export()
    {
        var decision = RevisionHistory.Decide([A], B, allowDowngrade: false);

        Assert.True(decision.Allowed);
        Assert.False(decision.IsDowngrade);
        Assert.Equal([A, B], decision.NextHistory);
        Assert.Contains("export", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Going_back_to_an_earlier_revision_is_refused_naming_the_setting()
    {
        var decision = RevisionHistory.Decide([A, B], A, allowDowngrade: false);

        Assert.False(decision.Allowed);
        Assert.True(decision.IsDowngrade);
        Assert.Equal([A, B], decision.NextHistory);
        Assert.Contains("convex-infra:allowRevisionDowngrade", decision.Message, StringComparison.Ordinal);
        Assert.Contains("convex-infra:imageRevision", decision.Message, StringComparison.Ordinal);
        Assert.Contains($"got {A}", decision.Message, StringComparison.Ordinal);
        Assert.Contains("Example: pulumi config set", decision.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allowed_downgrade_is_recorded_and_later_forward_moves_still_checked()
    {
        var back = RevisionHistory.Decide([A, B], A, allowDowngrade: true);
        Assert.True(back.Allowed);
        Assert.True(back.IsDowngrade);
        Assert.Equal([A, B, A], back.NextHistory);

        // B ran after A before: returning to it counts as going back too.
        Assert.False(RevisionHistory.Decide(back.NextHistory, B, allowDowngrade: false).Allowed);
        Assert.True(RevisionHistory.Decide(back.NextHistory, C, allowDowngrade: false).Allowed);
    }

    [Fact]
    public void History_is_capped_keeping_the_newest()
    {
        var history = Enumerable.Range(0, RevisionHistory.MaxEntries).Select(i => i.ToString("x40", System.Globalization.CultureInfo.InvariantCulture)).ToList();

        var next = RevisionHistory.Decide(history, C, allowDowngrade: false).NextHistory;

        Assert.Equal(RevisionHistory.MaxEntries, next.Count);
        Assert.Equal(C, next[^1]);
        Assert.Equal(history[1], next[0]);
        Assert.True(RevisionHistory.Serialize(next).Length < 4096, "fits a standard SSM parameter");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_history_parses_as_empty(string? stored) => Assert.Empty(RevisionHistory.Parse(stored));

    [Fact]
    public void Serialize_and_parse_round_trip()
    {
        var text = RevisionHistory.Serialize([A, B]);

        Assert.Equal($"[\"{A}\",\"{B}\"]", text);
        Assert.Equal([A, B], RevisionHistory.Parse(text));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"a\":1}")]
    [InlineData("[\"\"]")]
    [InlineData("[null]")]
    public void Corrupt_history_is_a_clear_error(string stored)
    {
        var error = Assert.Throws<FormatException>(() => RevisionHistory.Parse(stored));

        Assert.Contains("revision history", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected e.g.", error.Message, StringComparison.Ordinal);
    }
}
