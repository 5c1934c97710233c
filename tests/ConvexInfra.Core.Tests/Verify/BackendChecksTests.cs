using ConvexInfra.Core.Verify;

namespace ConvexInfra.Core.Tests.Verify;

public class BackendChecksTests
{
    private const string Api = "https://api.example.com";
    private const string Bad = """{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}""";

    private static HttpObservation Answer(int status, string body) => HttpObservation.Answered(Api + "/x", status, body);

    [Fact]
    public void Version_passes_on_a_version_string_and_names_it()
    {
        var result = BackendChecks.CheckVersion(Answer(200, "1.2.3-abc\n"));
        Assert.Equal(CheckStatus.Pass, result.Status);
        Assert.Contains("1.2.3-abc", result.Detail);
    }

    [Theory]
    [InlineData(502, "no answer from the container on port 3210")]
    [InlineData(404, "does not reach the Convex backend")]
    [InlineData(418, "unexpected status")]
    public void Version_failures_carry_cause_and_fix(int status, string cause)
    {
        var result = BackendChecks.CheckVersion(Answer(status, "nope"));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains(cause, result.Cause);
        Assert.False(string.IsNullOrWhiteSpace(result.Fix));
    }

    [Fact]
    public void Version_with_html_body_is_not_a_backend() =>
        Assert.Contains("other than the Convex backend", BackendChecks.CheckVersion(Answer(200, "<html>dashboard</html>")).Cause);

    [Theory]
    [InlineData(TransportFailureKind.NameResolution, "does not resolve")]
    [InlineData(TransportFailureKind.ConnectionRefused, "nothing listens")]
    [InlineData(TransportFailureKind.Timeout, "timed out")]
    [InlineData(TransportFailureKind.Tls, "TLS handshake failed")]
    public void Unreachable_api_explains_the_transport_failure(TransportFailureKind kind, string cause)
    {
        var result = BackendChecks.CheckVersion(HttpObservation.Unreachable(Api + "/version", kind, "boom"));
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains(cause, result.Cause);
        Assert.Contains("boom", result.Detail);
    }

    [Fact]
    public void Instance_name_must_equal_the_expected_one()
    {
        Assert.Equal(CheckStatus.Pass, BackendChecks.CheckInstanceName(Answer(200, "convex-prod"), "convex-prod").Status);
        var wrong = BackendChecks.CheckInstanceName(Answer(200, "convex-self-hosted"), "convex-prod");
        Assert.Equal(CheckStatus.Fail, wrong.Status);
        Assert.Contains("'convex-self-hosted', expected 'convex-prod'", wrong.Detail);
        Assert.Contains("INSTANCE_NAME", wrong.Fix);
        Assert.Equal(CheckStatus.Skip, BackendChecks.CheckInstanceName(Answer(200, "x"), null).Status);
    }

    [Fact]
    public void Admin_key_accepted_passes_and_read_only_warns()
    {
        Assert.Equal(CheckStatus.Pass, BackendChecks.CheckAdminKey(Answer(200, """{"success":true,"allowedOps":[],"isReadOnly":false}"""), "p|01", null, "p").Status);
        Assert.Equal(CheckStatus.Warn, BackendChecks.CheckAdminKey(Answer(200, """{"success":true,"isReadOnly":true}"""), "p|01", null, "p").Status);
        Assert.Equal(CheckStatus.Fail, BackendChecks.CheckAdminKey(Answer(200, "<html/>"), "p|01", null, "p").Status);
    }

    [Fact]
    public void Bad_key_for_another_instance_is_diagnosed_as_wrong_instance_name()
    {
        var result = BackendChecks.CheckAdminKey(Answer(401, Bad), "staging:convex-staging|01ab", null, "convex-prod");
        Assert.Equal(CheckStatus.Fail, result.Status);
        Assert.Contains("401 BadAdminKey", result.Detail);
        Assert.Contains("wrong instance name: the key is for instance 'convex-staging', the deployment is 'convex-prod'", result.Cause);
    }

    [Fact]
    public void Bad_key_with_matching_name_is_diagnosed_as_a_different_secret()
    {
        var result = BackendChecks.CheckAdminKey(Answer(401, Bad), "convex-prod|01ab", null, "convex-prod");
        Assert.Contains("different instance secret (secret rotated, or key from another stack)", result.Cause);
        Assert.Contains("pulumi stack output adminKey --show-secrets", result.Fix);
    }

    [Fact]
    public void Bad_key_without_prefix_or_without_known_deployment_name()
    {
        Assert.Contains("no '<instance name>|' prefix", BackendChecks.CheckAdminKey(Answer(401, Bad), "01abcdef", null, "p").Cause);
        Assert.Contains("is for instance 'q'", BackendChecks.CheckAdminKey(Answer(401, Bad), "q|01", null, null).Cause);
    }

    [Fact]
    public void Admin_key_other_failures()
    {
        Assert.Contains("Authorization header", BackendChecks.CheckAdminKey(Answer(400, """{"code":"InvalidHeaderFailure","message":"Malformed Authorization header."}"""), "p|01", null, "p").Cause);
        Assert.Contains("not allowed", BackendChecks.CheckAdminKey(Answer(403, """{"code":"OperationNotPermitted","message":"no"}"""), "p|01", null, "p").Cause);
        Assert.Contains("port 3210", BackendChecks.CheckAdminKey(Answer(503, "down"), "p|01", null, "p").Cause);
    }

    [Fact]
    public void Admin_key_without_key_is_skipped_with_the_reason()
    {
        var result = BackendChecks.CheckAdminKey(null, null, "adminKey is \"[secret]\"", "p");
        Assert.Equal(CheckStatus.Skip, result.Status);
        Assert.Contains("[secret]", result.Detail);
    }

    [Fact]
    public void Websocket_upgrade_passes_and_refusal_points_at_the_proxy()
    {
        Assert.Equal(CheckStatus.Pass, BackendChecks.CheckWebsocket(new("wss://a/api/1.29.0/sync", true, 101, null, null)).Status);
        var refused = BackendChecks.CheckWebsocket(new("wss://a/api/1.29.0/sync", false, 404, null, null));
        Assert.Equal(CheckStatus.Fail, refused.Status);
        Assert.Contains("does not pass websocket upgrades", refused.Cause);
        Assert.Contains("proxy_http_version 1.1", refused.Fix);
        Assert.Contains("nothing listens", BackendChecks.CheckWebsocket(new("wss://a", false, null, TransportFailureKind.ConnectionRefused, "refused")).Cause);
    }

    [Theory]
    [InlineData("convex-prod|01ab", "convex-prod")]
    [InlineData("prod:convex-prod|01ab", "convex-prod")]
    [InlineData("|01ab", "")]
    [InlineData("01abcdef", null)]
    public void Admin_key_prefix_is_read_like_the_backend(string key, string? expected) =>
        Assert.Equal(expected, AdminKeyPrefix.InstanceNameOf(key));
}
