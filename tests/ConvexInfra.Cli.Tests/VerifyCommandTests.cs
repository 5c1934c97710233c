using System.Text.Json;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary>verify against real servers on loopback: HTTPS with a test CA, a websocket endpoint, healthy and broken backends.</summary>
public sealed class VerifyCommandTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private async Task<CliRunner.Result> VerifyAsync(FakeConvexDeployment deployment, params string[] extra)
    {
        string[] args = ["verify", "--from", "-", "--ca-file", certificates.CaPemPath, "--http-port", deployment.HttpRedirect.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", "5s", .. extra];
        var result = await CliRunner.RunAsync(args, stdin: deployment.OutputsJson());
        AssertNoSecret(result, deployment.Behavior.AcceptedKey);
        return result;
    }

    private static void AssertNoSecret(CliRunner.Result result, string key)
    {
        var secretPart = key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..];
        Assert.DoesNotContain(secretPart, result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(secretPart, result.Error, StringComparison.Ordinal);
    }

    private static string Line(CliRunner.Result result, string check) =>
        result.Out.Split('\n').SingleOrDefault(l => l.Length > 6 && l[6..].StartsWith(check + " ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"no line for '{check}' in:\n{result.Out}");

    [Fact]
    public async Task Healthy_https_deployment_passes_every_check()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates);
        var result = await VerifyAsync(deployment);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.StartsWith("PASS", Line(result, "version"), StringComparison.Ordinal);
        Assert.Contains("1.0.0-test", Line(result, "version"));
        Assert.StartsWith("PASS", Line(result, "instance-name"), StringComparison.Ordinal);
        Assert.StartsWith("PASS", Line(result, "admin-key"), StringComparison.Ordinal);
        Assert.StartsWith("PASS", Line(result, "websocket"), StringComparison.Ordinal);
        Assert.Contains("/api/1.29.0/sync", Line(result, "websocket"));
        Assert.StartsWith("PASS", Line(result, "http-actions"), StringComparison.Ordinal);
        Assert.StartsWith("PASS", Line(result, "dashboard"), StringComparison.Ordinal);
        var tls = Line(result, $"tls localhost:{deployment.Api.Port}");
        Assert.StartsWith("PASS", tls, StringComparison.Ordinal);
        Assert.Matches(@"\((89|90) days\)", tls);
        Assert.StartsWith("PASS", Line(result, "redirect localhost"), StringComparison.Ordinal);
        Assert.Equal(3, result.Out.Split('\n').Count(l => l.StartsWith("PASS  tls localhost:", StringComparison.Ordinal)));
        Assert.StartsWith("PASS", Line(result, "functions"), StringComparison.Ordinal);
        var metrics = Line(result, "internal-endpoints");
        Assert.StartsWith("PASS", metrics, StringComparison.Ordinal);
        Assert.Contains("/metrics refused on 3 URL(s) (404)", metrics, StringComparison.Ordinal);
        Assert.Contains("verify: healthy: 12 passed, 0 failed", result.Out);
    }

    [Fact]
    public async Task Public_metrics_fail_with_the_urls_that_serve_them()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { MetricsPublic = true });
        var result = await VerifyAsync(deployment);

        Assert.Equal(1, result.ExitCode);
        var metrics = Line(result, "internal-endpoints");
        Assert.StartsWith("FAIL", metrics, StringComparison.Ordinal);
        Assert.Contains($"{deployment.Api.Url()}/metrics", metrics, StringComparison.Ordinal);
        Assert.Contains($"{deployment.Site.Url()}/metrics", metrics, StringComparison.Ordinal);
        Assert.DoesNotContain($"{deployment.Dashboard.Url()}/metrics", metrics, StringComparison.Ordinal);
        Assert.Contains("404 for /metrics*", result.Out, StringComparison.Ordinal);
        Assert.Contains("verify: NOT healthy", result.Out);
    }

    [Fact]
    public async Task Misconfigured_backend_fails_each_check_with_its_cause()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior
        {
            InstanceName = "convex-self-hosted",
            AcceptedKey = "convex-self-hosted|01" + new string('a', 72),
            Websocket = false,
            SiteStatus = 502,
            Redirect = false,
        });
        var result = await CliRunner.RunAsync(
            ["verify", "--from", "-", "--ca-file", certificates.CaPemPath, "--http-port", deployment.HttpRedirect.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            stdin: deployment.OutputsJson(adminKey: BackendBehavior.DefaultKey, instanceName: BackendBehavior.DefaultName));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("PASS", Line(result, "version"), StringComparison.Ordinal);
        Assert.Contains("backend is 'convex-self-hosted', expected 'convex-test'", Line(result, "instance-name"));
        var key = Line(result, "admin-key");
        Assert.StartsWith("FAIL", key, StringComparison.Ordinal);
        Assert.Contains("401 BadAdminKey", key);
        Assert.Contains("wrong instance name: the key is for instance 'convex-test', the deployment is 'convex-self-hosted'", key);
        Assert.Contains("answered 404 instead of 101", Line(result, "websocket"));
        Assert.Contains("proxy_http_version 1.1", Line(result, "websocket"));
        Assert.Contains("port 3211", Line(result, "http-actions"));
        Assert.Contains("answered 200 instead of redirecting", Line(result, "redirect localhost"));
        Assert.StartsWith("PASS", Line(result, "dashboard"), StringComparison.Ordinal);
        Assert.Contains("verify: NOT healthy", result.Out);
        AssertNoSecret(result, BackendBehavior.DefaultKey);
    }

    [Fact]
    public async Task Key_with_the_right_name_but_another_secret_is_diagnosed_as_a_different_secret()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates);
        var otherSecretKey = BackendBehavior.DefaultName + "|01" + new string('f', 72);
        var result = await CliRunner.RunAsync(
            ["verify", "--from", "-", "--ca-file", certificates.CaPemPath, "--http-port", deployment.HttpRedirect.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            stdin: deployment.OutputsJson(adminKey: otherSecretKey));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("different instance secret (secret rotated, or key from another stack)", Line(result, "admin-key"));
        AssertNoSecret(result, otherSecretKey);
    }

    [Fact]
    public async Task Site_routed_to_the_api_port_is_named()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { SiteAnswersLikeApi = true });
        var result = await VerifyAsync(deployment);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("routes the site hostname to port 3210 instead of 3211", Line(result, "http-actions"));
    }

    [Fact]
    public async Task Untrusted_certificate_fails_tls_with_the_ca_file_fix()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates);
        var result = await CliRunner.RunAsync(["verify", "--from", "-", "--timeout", "5s"], stdin: deployment.OutputsJson());

        Assert.Equal(1, result.ExitCode);
        var tls = Line(result, $"tls localhost:{deployment.Api.Port}");
        Assert.StartsWith("FAIL", tls, StringComparison.Ordinal);
        Assert.Contains("certificate not trusted", tls);
        Assert.Contains("--ca-file", tls);
        Assert.Contains("TLS handshake failed", Line(result, "version"));
    }

    [Fact]
    public async Task Certificate_for_another_name_fails()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { CertificateName = "other.test" });
        var result = await VerifyAsync(deployment);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("certificate is for other.test, not localhost", Line(result, $"tls localhost:{deployment.Api.Port}"));
    }

    [Fact]
    public async Task Certificate_close_to_expiry_warns_but_stays_healthy()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { CertificateDays = 5 });
        var result = await VerifyAsync(deployment);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("WARN", Line(result, $"tls localhost:{deployment.Site.Port}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Expired_certificate_fails_with_the_date()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { CertificateDays = -1 });
        var result = await VerifyAsync(deployment);
        Assert.Equal(1, result.ExitCode);
        var tls = Line(result, $"tls localhost:{deployment.Api.Port}");
        Assert.Contains("certificate expired on", tls);
        Assert.Contains("renewal failed", tls);
    }

    [Fact]
    public async Task Plain_http_local_deployment_skips_tls_and_redirect()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var result = await CliRunner.RunAsync(
            ["verify", "--api-url", deployment.Api.Url("127.0.0.1"), "--site-url", deployment.Site.Url("127.0.0.1"), "--instance-name", "convex-test"],
            environment: new Dictionary<string, string> { ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = BackendBehavior.DefaultKey });

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.StartsWith("PASS", Line(result, "admin-key"), StringComparison.Ordinal);
        Assert.StartsWith("PASS", Line(result, "websocket"), StringComparison.Ordinal);
        Assert.StartsWith("SKIP", Line(result, $"tls 127.0.0.1:{deployment.Api.Port}"), StringComparison.Ordinal);
        Assert.StartsWith("SKIP", Line(result, "redirect 127.0.0.1"), StringComparison.Ordinal);
        Assert.StartsWith("SKIP", Line(result, "dashboard"), StringComparison.Ordinal);
        Assert.Contains("no dashboard URL given", Line(result, "dashboard"));
        Assert.StartsWith("SKIP", Line(result, "internal-endpoints"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redacted_admin_key_skips_the_key_check_with_the_reason()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates);
        var result = await CliRunner.RunAsync(
            ["verify", "--from", "-", "--ca-file", certificates.CaPemPath, "--http-port", deployment.HttpRedirect.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            stdin: deployment.OutputsJson(adminKey: "[secret]"));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--show-secrets", Line(result, "admin-key"));
        Assert.StartsWith("SKIP", Line(result, "admin-key"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_retries_until_a_starting_backend_is_healthy_and_reports_json()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { StartingVersionAnswers = 2 });
        var result = await VerifyAsync(deployment, "--wait", "30s", "--interval", "100ms", "--json");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        using var report = JsonDocument.Parse(result.Out);
        Assert.True(report.RootElement.GetProperty("healthy").GetBoolean());
        Assert.Equal(3, report.RootElement.GetProperty("attempts").GetInt32());
        Assert.Contains("attempt 1: not healthy yet (version)", result.Error);
        Assert.All(report.RootElement.GetProperty("checks").EnumerateArray(), c => Assert.Equal("pass", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Wait_is_bounded_when_nothing_answers()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var started = DateTimeOffset.UtcNow;
        var result = await CliRunner.RunAsync(["verify", "--api-url", $"http://127.0.0.1:{port}", "--wait", "1s", "--interval", "200ms", "--json"]);
        Assert.Equal(1, result.ExitCode);
        Assert.True(DateTimeOffset.UtcNow - started < TimeSpan.FromSeconds(20));
        using var report = JsonDocument.Parse(result.Out);
        Assert.True(report.RootElement.GetProperty("attempts").GetInt32() >= 2);
        var version = report.RootElement.GetProperty("checks")[0];
        Assert.Equal("fail", version.GetProperty("status").GetString());
        Assert.Contains("nothing listens", version.GetProperty("cause").GetString());
    }

    [Theory]
    [InlineData(new[] { "verify" }, "--api-url")]
    [InlineData(new[] { "verify", "--api-url", "ftp://x" }, "not an absolute http(s) URL")]
    [InlineData(new[] { "verify", "--api-url", "http://127.0.0.1:1", "--wait", "soon" }, "--wait: 'soon' is not a duration")]
    [InlineData(new[] { "verify", "--api-url", "http://127.0.0.1:1", "--http-port", "99999" }, "--http-port")]
    [InlineData(new[] { "verify", "--from", "a.json", "--stack", "prod" }, "not both")]
    public async Task Bad_options_are_usage_errors(string[] args, string expected)
    {
        var result = await CliRunner.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Missing_ca_file_and_bad_outputs_are_input_errors()
    {
        var noCa = await CliRunner.RunAsync(["verify", "--api-url", "http://127.0.0.1:1", "--ca-file", "/nonexistent/ca.pem"]);
        Assert.Equal(1, noCa.ExitCode);
        Assert.Contains("--ca-file: '/nonexistent/ca.pem' does not exist", noCa.Error);

        var badOutputs = await CliRunner.RunAsync(["verify", "--from", "-"], stdin: "{\"apiUrl\": 1}");
        Assert.Equal(1, badOutputs.ExitCode);
        Assert.Contains("'apiUrl' must be a string", badOutputs.Error);
    }
}
