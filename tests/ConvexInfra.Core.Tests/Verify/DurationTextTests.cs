using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class DurationTextTests
{
    [Theory]
    [InlineData("90", 90_000)]
    [InlineData("90s", 90_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("2s500ms", 2_500)]
    public void Parses_ci_style_durations(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.Parse("--wait", text));

    [Theory]
    [InlineData("")]
    [InlineData("5x")]
    [InlineData("-5s")]
    [InlineData("1.5m")]
    [InlineData("m")]
    public void Rejects_anything_else_naming_the_option(string text)
    {
        var e = Assert.Throws<FormatException>(() => DurationText.Parse("--wait", text));
        Assert.Contains("--wait", e.Message);
        Assert.Contains("90s", e.Message);
    }

    [Theory]
    [InlineData(null, 120_000)]
    [InlineData("120", 120_000)]
    [InlineData("5m", 300_000)]
    [InlineData("1h", 3_600_000)]
    public void A_wait_takes_durations_or_seconds_and_defaults_when_absent(string? text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), DurationText.ParseWait("--wait", text, TimeSpan.FromMinutes(2), TimeSpan.FromHours(1)));

    [Fact]
    public void A_wait_longer_than_the_maximum_is_refused_with_an_example()
    {
        var e = Assert.Throws<FormatException>(() => DurationText.ParseWait("--wait", "61m", TimeSpan.FromMinutes(2), TimeSpan.FromHours(1)));

        Assert.Equal("--wait: '61m' is longer than the 1h this command waits at most; e.g. --wait 5m", e.Message);
    }
}
