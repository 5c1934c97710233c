using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary>verify's functions check against a loopback backend that answers /api/query like the real one.</summary>
public sealed class VerifyFunctionsTests(TestCertificates certificates) : IClassFixture<TestCertificates>
{
    private static string Line(CliRunner.Result result) =>
        result.Out.Split('\n').Single(l => l.Length > 6 && l[6..].StartsWith("functions ", StringComparison.Ordinal));

    private static async Task<CliRunner.Result> VerifyAsync(FakeConvexDeployment deployment, string? adminKey = null, params string[] extra) =>
        await CliRunner.RunAsync(["verify", "--from", "-", "--timeout", "5s", .. extra], stdin: deployment.OutputsJson(adminKey: adminKey));

    [Fact]
    public async Task A_backend_without_functions_fails_with_the_deploy_hint()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false, Functions = [] });

        var result = await VerifyAsync(deployment);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("FAIL", Line(result), StringComparison.Ordinal);
        Assert.Contains("no functions deployed: run npx convex deploy", Line(result));
        var query = Assert.Single(deployment.Queries);
        Assert.Equal("""{"path":"_system/cli/modules:apiSpec","args":[{}],"format":"convex_encoded_json"}""", query);
    }

    [Fact]
    public async Task With_allow_no_functions_an_empty_backend_warns_and_passes_but_a_missing_expected_function_still_fails()
    {
        await using var empty = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false, Functions = [] });
        await using var deployed = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });

        var allowed = await VerifyAsync(empty, null, "--allow-no-functions");
        var missing = await VerifyAsync(deployed, null, "--allow-no-functions", "--expect-function", "nope:missing");

        Assert.Equal(0, allowed.ExitCode);
        Assert.StartsWith("WARN", Line(allowed), StringComparison.Ordinal);
        Assert.Contains("no functions deployed", Line(allowed));
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("FAIL", Line(missing), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deployed_functions_pass_and_an_expected_one_is_found_in_any_spelling()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });

        var plain = await VerifyAsync(deployment);
        var expected = await VerifyAsync(deployment, null, "--expect-function", "messages:list");

        Assert.Equal(0, plain.ExitCode);
        Assert.Contains("2 function(s) and 1 HTTP route(s) deployed", Line(plain));
        Assert.Equal(0, expected.ExitCode);
        Assert.Contains("messages:list among them", Line(expected));
    }

    [Fact]
    public async Task A_missing_expected_function_fails_and_lists_what_is_there()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });

        var result = await VerifyAsync(deployment, null, "--expect-function", "payments:charge");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("function 'payments:charge' is not deployed", Line(result));
        Assert.Contains("messages.js:list", Line(result));
    }

    [Fact]
    public async Task A_wrong_admin_key_fails_the_check_without_printing_the_key()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var wrong = BackendBehavior.DefaultName + "|01" + new string('c', 72);

        var result = await VerifyAsync(deployment, wrong);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("answered 401: the admin key was refused", Line(result));
        Assert.DoesNotContain(new string('c', 72), result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_key_the_check_is_skipped_and_no_query_is_sent()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });

        var result = await CliRunner.RunAsync(["verify", "--api-url", deployment.Api.Url(), "--timeout", "5s"]);

        Assert.StartsWith("SKIP", Line(result), StringComparison.Ordinal);
        Assert.Empty(deployment.Queries);
    }
}
