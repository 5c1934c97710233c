using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class DesiredEnvTests
{
    private static Dictionary<string, string> Map(params (string Name, string Value)[] pairs) =>
        pairs.ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);

    [Fact]
    public void Plain_secret_and_auth_variables_merge_into_one_sorted_map()
    {
        var merged = DesiredEnv.Merge(Map(("APP_MODE", "production")), Map(("AUTH_GITHUB_SECRET", "s")), Map(("JWKS", "{}"), ("SITE_URL", "https://app.example.com")));
        Assert.Equal(["APP_MODE", "AUTH_GITHUB_SECRET", "JWKS", "SITE_URL"], merged.Keys);
    }

    [Fact]
    public void Missing_sources_are_empty()
    {
        Assert.Equal(["A"], DesiredEnv.Merge(Map(("A", "1")), null, null).Keys);
    }

    [Fact]
    public void A_name_in_two_sources_names_both_and_no_value()
    {
        var e = Assert.Throws<ArgumentException>(() => DesiredEnv.Merge(Map(("STRIPE_KEY", "plain-value")), Map(("STRIPE_KEY", "sk_live_secret")), null));

        Assert.Contains("STRIPE_KEY is set by both convex-infra:deploymentEnv and convex-infra:deploymentEnvSecrets", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk_live_secret", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("plain-value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_with_a_bad_name_is_reported_with_its_source()
    {
        var e = Assert.Throws<ArgumentException>(() => DesiredEnv.Merge(Map(), Map(("bad-name", "x")), null));
        Assert.StartsWith("convex-infra:deploymentEnvSecrets: deployment variable name 'bad-name'", e.Message, StringComparison.Ordinal);
    }
}
