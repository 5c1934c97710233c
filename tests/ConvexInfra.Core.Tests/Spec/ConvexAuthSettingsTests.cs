namespace ConvexInfra.Core.Tests.Spec;

public sealed class ConvexAuthSettingsTests
{
    [Fact]
    public void Convex_Auth_with_a_site_url_and_key_version_is_read()
    {
        var extensions = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("convexAuth", "true"), ("convexAuthSiteUrl", "https://app.example.com"), ("convexAuthKeyVersion", "3"))).Extensions;

        Assert.True(extensions.ConvexAuth);
        Assert.Equal(3, extensions.ConvexAuthKeyVersion);
    }

    [Fact]
    public void A_local_app_may_use_http_on_localhost()
    {
        var extensions = TestConfigs.ReadValid(TestConfigs.Local(("convexAuth", "true"), ("convexAuthSiteUrl", "http://localhost:5173"))).Extensions;
        Assert.Equal(new Uri("http://localhost:5173"), extensions.ConvexAuthSiteUrl);
    }

    [Fact]
    public void The_key_version_defaults_to_zero_and_auth_is_off()
    {
        var extensions = TestConfigs.ReadValid(TestConfigs.Aws("dev")).Extensions;
        Assert.False(extensions.ConvexAuth);
        Assert.Equal(0, extensions.ConvexAuthKeyVersion);
    }

    [Fact]
    public void Auth_variable_names_are_free_in_deploymentEnv_when_auth_is_off()
    {
        var extensions = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("deploymentEnv", """{"SITE_URL":"https://x.example.com"}"""))).Extensions;
        Assert.Equal("https://x.example.com", extensions.DeploymentEnv["SITE_URL"]);
    }
}
