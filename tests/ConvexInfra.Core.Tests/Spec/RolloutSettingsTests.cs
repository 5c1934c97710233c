using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public sealed class RolloutSettingsTests
{
    [Theory]
    [InlineData("dev", "daily 04:00", "*-*-* 04:00:00 UTC")]
    [InlineData("staging", "daily 04:00", "*-*-* 04:00:00 UTC")]
    [InlineData("prod", "Sun 04:00", "Sun *-*-* 04:00:00 UTC")]
    public void Tiers_bring_the_documented_defaults(string stack, string window, string calendar)
    {
        var rollout = TestConfigs.ReadValid(TestConfigs.Aws(stack)).Rollout;

        Assert.Equal(15, rollout.HostReportTimeoutMinutes);
        Assert.Equal(10, rollout.BackendHealthTimeoutMinutes);
        Assert.Equal(600, rollout.BackendHealthTimeoutSeconds);
        Assert.Equal(60, rollout.ExportTimeoutMinutes);
        Assert.Equal(window, rollout.PatchWindow.Text);
        Assert.Equal(calendar, rollout.PatchWindow.OnCalendar);
    }

    [Fact]
    public void Stack_values_override_the_defaults()
    {
        var rollout = TestConfigs.ReadValid(TestConfigs.Aws("dev",
            ("hostReportTimeoutMinutes", "40"), ("backendHealthTimeoutMinutes", "30"), ("exportTimeoutMinutes", "120"), ("patchWindow", "tue 02:30"))).Rollout;

        Assert.Equal(new RolloutSpec(40, 30, 120, new PatchWindow("Tue", 2, 30)), rollout);
    }

    [Theory]
    [InlineData("patchWindow", "Sunday 03:00", "Mon..Sun")]
    [InlineData("patchWindow", "Sun 25:00", "HH:MM")]
    [InlineData("patchWindow", "03:00", "Example: Sun 03:00")]
    [InlineData("backendHealthTimeoutMinutes", "0", "from 1 to 120")]
    [InlineData("hostReportTimeoutMinutes", "ten", "from 1 to 180")]
    [InlineData("exportTimeoutMinutes", "1", "from 5 to 720")]
    public void Bad_values_are_named_by_their_key(string key, string value, string expected)
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("dev", (key, value))));

        Assert.Equal($"convex-infra:{key}", error.Key);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }
}
