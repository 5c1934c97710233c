using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class ExposureChecksTests
{
    private const string Prometheus = "# HELP convex_requests_total Requests\n# TYPE convex_requests_total counter\nconvex_requests_total 1\n";

    [Fact]
    public void Prometheus_text_with_200_fails_and_names_every_url()
    {
        var result = ExposureChecks.Check(
        [
            HttpObservation.Answered("https://api.example.com/metrics", 200, Prometheus),
            HttpObservation.Answered("https://site.example.com/metrics", 404, "Not Found"),
            HttpObservation.Answered("https://dashboard.example.com/metrics", 200, Prometheus),
        ]);

        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("https://api.example.com/metrics, https://dashboard.example.com/metrics", result.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("site.example.com", result.Detail, StringComparison.Ordinal);
        Assert.NotNull(result.Fix);
    }

    [Fact]
    public void Refusals_and_pages_that_are_not_metrics_pass()
    {
        var result = ExposureChecks.Check(
        [
            HttpObservation.Answered("https://api.example.com/metrics", 404, "Not Found"),
            HttpObservation.Answered("https://dashboard.example.com/metrics", 200, "<!DOCTYPE html><html>app shell</html>"),
        ]);

        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("(200, 404)", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_answer_or_no_public_url_skips()
    {
        Assert.Equal(CheckStatus.Skip, ExposureChecks.Check([]).Status);
        Assert.Equal(CheckStatus.Skip, ExposureChecks.Check([HttpObservation.Unreachable("https://api.example.com/metrics", TransportFailureKind.Timeout, "timeout")]).Status);
    }

    [Theory]
    [InlineData("http://127.0.0.1:3210", true)]
    [InlineData("http://localhost:3210", true)]
    [InlineData("https://localhost:3210", false)]
    [InlineData("http://api.example.com", false)]
    [InlineData("https://api.example.com", false)]
    public void Only_plain_http_loopback_urls_are_local(string url, bool local) =>
        Assert.Equal(local, ExposureChecks.IsLocalOnly(new Uri(url)));
}
