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
}
