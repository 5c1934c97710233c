using ConvexInfra.Components.Aws;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Tests;

/// <summary>The small pure decisions the AWS components make (ports, names, families), without a Pulumi run.</summary>
public sealed class AwsPlanningTests
{
    private static DeploymentSpec AnyEc2Spec()
    {
        var stacks = StackFiles.WithTarget("aws-ec2");
        Assert.True(stacks.Count > 0, $"no aws-ec2 stack file in {StackFiles.Directory}");
        return ConvexProgram.ReadSpec(StackFiles.Load(stacks[0]));
    }

    private static DeploymentSpec WithNetwork(DeploymentSpec spec, IReadOnlyList<string> http, IReadOnlyList<string> ssh) =>
        spec with { Network = spec.Network with { HttpAllowedCidrs = http, SshAllowedCidrs = ssh } };

    [Fact]
    public void Closed_by_default_https_and_acme_http_open_ssh_closed()
    {
        var rules = IngressPlan.For(WithNetwork(AnyEc2Spec(), [], []));

        Assert.Equal(
            new[] { (80, "0.0.0.0/0"), (443, "0.0.0.0/0") },
            rules.Select(r => (r.Port, r.Cidr)));
        Assert.DoesNotContain(rules, r => r.Port == 22);
    }

    [Fact]
    public void Https_follows_the_allowlist_and_ssh_only_its_own_list()
    {
        var rules = IngressPlan.For(WithNetwork(AnyEc2Spec(), ["198.51.100.0/24", "192.0.2.0/24"], ["203.0.113.0/24"]));

        Assert.Equal(new[] { "192.0.2.0/24", "198.51.100.0/24" }, rules.Where(r => r.Port == 443).Select(r => r.Cidr).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { "203.0.113.0/24" }, rules.Where(r => r.Port == 22).Select(r => r.Cidr));
        Assert.Equal(rules.Count, rules.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("exports")]
    [InlineData("imports")]
    [InlineData("modules")]
    public void Bucket_prefixes_are_s3_safe_and_short_enough(string purpose)
    {
        var spec = AnyEc2Spec() with { StackName = "Very_Long.Stack-Name-For-Testing", InstanceName = "an-instance-name-that-is-quite-long" };

        var prefix = BucketNaming.Prefix(spec, purpose);

        Assert.True(prefix.Length <= BucketNaming.MaxPrefixLength, $"{prefix} is {prefix.Length} characters");
        Assert.Matches("^[a-z0-9][a-z0-9-]*$", prefix);
        Assert.DoesNotContain("--", prefix.TrimEnd('-'), StringComparison.Ordinal);
        Assert.EndsWith($"-{purpose}-", prefix, StringComparison.Ordinal);
        Assert.StartsWith("very-long-stack-name", prefix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("prod", "acme-prod", "prod-acme-prod")]
    [InlineData("Team_A.prod", "acme", "team-a-prod-acme")]
    [InlineData("2026", "acme", "c-2026-acme")]
    public void Root_name_is_safe_for_rds_identifiers(string stack, string instance, string expected)
    {
        var spec = AnyEc2Spec() with { StackName = stack, InstanceName = instance };

        Assert.Equal(expected, AwsNames.RootName(spec));
    }

    [Theory]
    [InlineData("17", "postgres17")]
    [InlineData("17.4", "postgres17")]
    [InlineData("16.8", "postgres16")]
    public void Parameter_group_family_follows_the_major_version(string version, string family) =>
        Assert.Equal(family, Database.ParameterGroupFamily(version));

    [Fact]
    public void A_version_that_is_not_a_number_names_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Database.ParameterGroupFamily("latest"));
        Assert.Contains("convex-infra:dbEngineVersion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Final_snapshot_name_starts_with_a_letter_even_for_numeric_stacks()
    {
        var spec = AnyEc2Spec() with { StackName = "2026-prod" };

        var name = Database.FinalSnapshotName(spec);

        Assert.Matches("^[a-z][a-z0-9-]*[a-z0-9]$", name);
        Assert.DoesNotContain("--", name, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_safety_follows_the_spec()
    {
        var spec = AnyEc2Spec();
        var safe = spec with { Protection = new ProtectionSpec(true, true, true, true), Database = spec.Database with { BackupRetentionDays = 14 } };

        Assert.Equal(new DataSafety(true, true, true, 14), DataSafety.For(safe));
        Assert.Equal(new DataSafety(false, false, false, 1),
            DataSafety.For(spec with { Protection = new ProtectionSpec(false, false, false, false), Database = spec.Database with { BackupRetentionDays = 1 } }));
    }
}
