using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class VerifyReportTests
{
    private static readonly CheckResult[] Results =
    [
        CheckResult.Pass("version", "backend answers"),
        CheckResult.Skip("tls 127.0.0.1", "http:// URL"),
        CheckResult.Fail("admin-key", "401 BadAdminKey", "wrong name", "use the right key"),
    ];

    [Fact]
    public void Text_is_one_line_per_check_plus_a_summary()
    {
        var lines = VerifyReport.Text(Results).TrimEnd('\n').Split('\n');
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("PASS  version", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("SKIP  tls 127.0.0.1", lines[1], StringComparison.Ordinal);
        Assert.Equal("FAIL  admin-key      401 BadAdminKey | likely cause: wrong name | fix: use the right key", lines[2]);
        Assert.Equal("verify: NOT healthy: 1 passed, 1 failed, 0 warnings, 1 skipped", lines[3]);
    }

    [Fact]
    public void Healthy_ignores_skips_and_warnings()
    {
        Assert.False(VerifyReport.Healthy(Results));
        Assert.True(VerifyReport.Healthy(Results[..2]));
        Assert.True(VerifyReport.Healthy([CheckResult.Warn("tls x", "soon", "c", "f")]));
    }

    [Fact]
    public void Json_carries_status_cause_and_fix()
    {
        using var document = System.Text.Json.JsonDocument.Parse(VerifyReport.Json(Results, 3));
        var root = document.RootElement;
        Assert.False(root.GetProperty("healthy").GetBoolean());
        Assert.Equal(3, root.GetProperty("attempts").GetInt32());
        var failed = root.GetProperty("checks")[2];
        Assert.Equal("fail", failed.GetProperty("status").GetString());
        Assert.Equal("wrong name", failed.GetProperty("cause").GetString());
        Assert.False(root.GetProperty("checks")[0].TryGetProperty("cause", out _));
    }
}
