using System.Collections.Immutable;
using System.Text.Json;
using ConvexInfra.Core.ConvexAuth;
using ConvexInfra.Core.DeploymentEnv;
using Pulumi;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests.ConvexAuth;

public sealed class ConvexAuthComponentTests
{
    private static readonly (string, string)[] AuthOn =
    [
        ("convexAuth", "true"),
        ("convexAuthSiteUrl", "http://localhost:5173"),
        ("deploymentEnv", """{"APP_MODE":"production"}"""),
    ];

    [Fact]
    public async Task Convex_Auth_makes_one_RSA_2048_key_and_one_apply_command()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith(AuthOn));

        var key = Assert.Single(run.OfType(ConvexAuthRun.TlsKey));
        Assert.Equal("convex-convex-auth-key", key.Name);
        Assert.Equal("RSA", key.Inputs["algorithm"]);
        Assert.Equal(2048, Convert.ToInt32(key.Inputs["rsaBits"], System.Globalization.CultureInfo.InvariantCulture));
        var command = Assert.Single(run.OfType(ConvexAuthRun.Command));
        // The CLI bundled next to the components (the test output has it, as the provider's does).
        Assert.Equal(ApplyCommandLine.Render(BundledCli.Command(), ApplyCommandLine.DefaultWaitSeconds, prune: false), command.Inputs["create"]);
        Assert.Equal(command.Inputs["create"], command.Inputs["update"]);
    }

    [Fact]
    public async Task The_desired_map_holds_the_auth_variables_and_config_values_and_is_secret()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith(AuthOn));
        var desired = run.Deployment.DeploymentEnvironment!.Desired;

        var map = await OutputUtilities.GetValueAsync(desired);
        var expected = ConvexAuthKeys.FromPkcs8Pem(run.Pkcs8Pem, new Uri("http://localhost:5173"));
        Assert.Equal(["APP_MODE", "JWKS", "JWT_PRIVATE_KEY", "SITE_URL"], map.Keys);
        Assert.Equal(expected.JwtPrivateKey, map["JWT_PRIVATE_KEY"]);
        Assert.Equal(expected.Jwks, map["JWKS"]);
        Assert.Equal("http://localhost:5173", map["SITE_URL"]);
        Assert.True(await Output.IsSecretAsync(desired));
        Assert.True(await Output.IsSecretAsync(run.Deployment.ConvexAuth!.Variables));
    }

    [Fact]
    public async Task The_map_goes_through_stdin_and_no_secret_is_on_the_command_line()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith([.. AuthOn, ("deploymentEnvSecrets", "<secret>")]), new Dictionary<string, string> { ["AUTH_GITHUB_SECRET"] = "gh-very-secret" });
        var command = Assert.Single(run.OfType(ConvexAuthRun.Command));
        var adminKey = await OutputUtilities.GetValueAsync(run.Deployment.AdminKey);

        var stdin = JsonSerializer.Deserialize<Dictionary<string, string>>((string)command.Inputs["stdin"])!;
        Assert.Equal("gh-very-secret", stdin["AUTH_GITHUB_SECRET"]);
        var environment = (ImmutableDictionary<string, object>)command.Inputs["environment"];
        Assert.Equal(run.Spec.Endpoints.ApiOrigin, environment[ApplyCommandLine.ApiUrlVariable]);
        Assert.Equal(adminKey, environment[ApplyCommandLine.AdminKeyVariable]);
        var line = (string)command.Inputs["create"];
        Assert.DoesNotContain("gh-very-secret", line, StringComparison.Ordinal);
        Assert.DoesNotContain(adminKey, line, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", line, StringComparison.Ordinal);
        var trigger = Assert.Single((ImmutableArray<object>)command.Inputs["triggers"]);
        Assert.StartsWith("hmac-sha256:", (string)trigger, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trigger_is_stable_for_equal_values_and_changes_with_a_value()
    {
        static async Task<object> TriggerAsync(string mode)
        {
            var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith(("deploymentEnv", $$"""{"APP_MODE":"{{mode}}"}""")));
            return Assert.Single((ImmutableArray<object>)Assert.Single(run.OfType(ConvexAuthRun.Command)).Inputs["triggers"]);
        }

        Assert.Equal(await TriggerAsync("a"), await TriggerAsync("a"));
        Assert.NotEqual(await TriggerAsync("a"), await TriggerAsync("b"));
    }

    [Fact]
    public async Task Bumping_convexAuthKeyVersion_names_a_new_key()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith([.. AuthOn, ("convexAuthKeyVersion", "2")]));
        Assert.Equal("convex-convex-auth-key-v2", Assert.Single(run.OfType(ConvexAuthRun.TlsKey)).Name);
    }

    [Fact]
    public async Task Prune_reaches_the_command_line()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith(("deploymentEnv", """{"A":"1"}"""), ("deploymentEnvPrune", "true")));
        Assert.EndsWith(" --prune", (string)Assert.Single(run.OfType(ConvexAuthRun.Command)).Inputs["create"], StringComparison.Ordinal);
        Assert.Empty(run.OfType(ConvexAuthRun.TlsKey));
    }

    [Fact]
    public async Task Without_auth_or_variables_nothing_is_added()
    {
        var run = await ConvexAuthRun.UpAsync(ConvexAuthRun.SpecWith());

        Assert.Empty(run.OfType(ConvexAuthRun.TlsKey));
        Assert.Empty(run.OfType(ConvexAuthRun.Command));
        Assert.Null(run.Deployment.DeploymentEnvironment);
    }
}
