using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class DeploymentEnvRulesTests
{
    [Theory]
    [InlineData("AUTH_GITHUB_ID")]
    [InlineData("a")]
    [InlineData("JWT_PRIVATE_KEY")]
    [InlineData("x1_")]
    [InlineData("_LEADING")]
    [InlineData("_")]
    public void Valid_names_pass(string name) => Assert.Null(DeploymentEnvRules.NameProblem(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("CONVEX_SITE_URL", "is built-in")]
    [InlineData("CONVEX_CLOUD_URL", "is built-in")]
    [InlineData("9LIVES", "start with a letter")]
    [InlineData("HAS-DASH", "only letters, digits")]
    [InlineData("HAS SPACE", "only letters, digits")]
    [InlineData("ÄPFEL", "start with a letter or '_'")]
    public void Invalid_names_say_why(string name, string expected) =>
        Assert.Contains(expected, DeploymentEnvRules.NameProblem(name), StringComparison.Ordinal);

    [Fact]
    public void Names_longer_than_256_characters_are_refused()
    {
        Assert.Null(DeploymentEnvRules.NameProblem(new string('A', 256)));
        Assert.Contains("257 characters", DeploymentEnvRules.NameProblem(new string('A', 257)), StringComparison.Ordinal);
    }

    [Fact]
    public void Values_over_8_KiB_are_refused_without_quoting_the_value()
    {
        Assert.Null(DeploymentEnvRules.ValueProblem("A", new string('v', 8192)));
        var problem = DeploymentEnvRules.ValueProblem("BIG", new string('v', 8193));
        Assert.Contains("'BIG'", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("vvvv", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void More_than_512_variables_are_refused()
    {
        var all = Enumerable.Range(0, 512).ToDictionary(i => $"V{i}", _ => "x");
        Assert.Empty(DeploymentEnvRules.Problems(all));
        all["V512"] = "x";
        Assert.Contains(DeploymentEnvRules.Problems(all), p => p.Contains("513 deployment variables", StringComparison.Ordinal));
    }

    [Fact]
    public void More_than_512_KiB_in_all_is_refused_though_each_value_fits()
    {
        // 64 names of 3 bytes + 64 values of 8189 bytes = 524,288 bytes: exactly the limit.
        var atLimit = Enumerable.Range(0, 64).ToDictionary(i => $"V{i:D2}", _ => new string('v', 8189));
        Assert.Empty(DeploymentEnvRules.Problems(atLimit));
        atLimit["V00"] += "v";
        Assert.Contains(DeploymentEnvRules.Problems(atLimit), p => p.Contains("524289 bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Value_size_counts_UTF8_bytes()
    {
        Assert.NotNull(DeploymentEnvRules.ValueProblem("A", new string('é', 4097)));
    }
}
