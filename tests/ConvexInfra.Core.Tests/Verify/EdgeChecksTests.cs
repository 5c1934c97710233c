using System.Net.Security;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class EdgeChecksTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static TlsObservation Tls(SslPolicyErrors errors, DateTimeOffset? notAfter, params string[] problems) =>
        new("api.example.com", 443, true, errors, problems, notAfter, "DNS:api.example.com", null, null);

    [Theory]
    [InlineData(404, "", CheckStatus.Pass)]
    [InlineData(200, "ok", CheckStatus.Pass)]
    [InlineData(502, "", CheckStatus.Fail)]
    [InlineData(200, "This Convex deployment is running. See https://docs.convex.dev/.", CheckStatus.Fail)]
    public void Http_actions(int status, string body, CheckStatus expected) =>
        Assert.Equal(expected, EdgeChecks.CheckHttpActions(HttpObservation.Answered("https://site/", status, body)).Status);

    [Theory]
    [InlineData(200, CheckStatus.Pass)]
    [InlineData(307, CheckStatus.Pass)]
    [InlineData(403, CheckStatus.Fail)]
    [InlineData(404, CheckStatus.Fail)]
    [InlineData(503, CheckStatus.Fail)]
    public void Dashboard(int status, CheckStatus expected) =>
        Assert.Equal(expected, EdgeChecks.CheckDashboard(HttpObservation.Answered("https://dash/", status, "")).Status);

    [Fact]
    public void Dashboard_timeout_mentions_the_allow_list() =>
        Assert.Contains("dashboardAllowedCidrs", EdgeChecks.CheckDashboard(HttpObservation.Unreachable("https://dash/", TransportFailureKind.Timeout, "t")).Cause);

    [Fact]
    public void Valid_certificate_reports_days_to_expiry()
    {
        var result = EdgeChecks.CheckTls(Tls(SslPolicyErrors.None, Now.AddDays(60.5)), Now);
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Equal("tls api.example.com", result.Name);
        Assert.Contains("expires 2026-03-02 (60 days)", result.Detail);
    }

    [Fact]
    public void Certificate_close_to_expiry_warns_and_expired_fails()
    {
        Assert.Equal(CheckStatus.Warn, EdgeChecks.CheckTls(Tls(SslPolicyErrors.None, Now.AddDays(5)), Now).Status);
        var expired = EdgeChecks.CheckTls(Tls(SslPolicyErrors.RemoteCertificateChainErrors, Now.AddDays(-1), "NotTimeValid"), Now);
        Assert.Equal(CheckStatus.Fail, expired.Status);
        Assert.Contains("expired", expired.Detail);
    }

    [Fact]
    public void Untrusted_and_mismatched_certificates_fail_with_fixes()
    {
        var untrusted = EdgeChecks.CheckTls(Tls(SslPolicyErrors.RemoteCertificateChainErrors, Now.AddDays(90), "UntrustedRoot"), Now);
        Assert.Equal(CheckStatus.Fail, untrusted.Status);
        Assert.Contains("UntrustedRoot", untrusted.Detail);
        Assert.Contains("--ca-file", untrusted.Fix);
        var mismatch = EdgeChecks.CheckTls(Tls(SslPolicyErrors.RemoteCertificateNameMismatch, Now.AddDays(90)), Now);
        Assert.Contains("not api.example.com", mismatch.Detail);
    }

    [Fact]
    public void Failed_handshake_fails()
    {
        var seen = new TlsObservation("h", 443, false, SslPolicyErrors.None, [], null, null, TransportFailureKind.Tls, "alert");
        Assert.Contains("no certificate for this hostname", EdgeChecks.CheckTls(seen, Now).Cause);
        var refused = seen with { Failure = TransportFailureKind.ConnectionRefused };
        Assert.Contains("nothing listens", EdgeChecks.CheckTls(refused, Now).Cause);
    }

    [Theory]
    [InlineData(308, "https://api.example.com/", CheckStatus.Pass)]
    [InlineData(301, "https://API.example.com:8443/x", CheckStatus.Pass)]
    [InlineData(302, "http://api.example.com/", CheckStatus.Fail)]
    [InlineData(301, "https://evil.example.com/", CheckStatus.Fail)]
    [InlineData(200, null, CheckStatus.Fail)]
    public void Redirect_must_go_to_https_on_the_same_host(int status, string? location, CheckStatus expected) =>
        Assert.Equal(expected, EdgeChecks.CheckRedirect("api.example.com", HttpObservation.Answered("http://api.example.com/", status, "", location)).Status);
}
