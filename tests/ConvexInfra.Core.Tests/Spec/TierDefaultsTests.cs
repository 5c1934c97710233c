using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class TierDefaultsTests
{
    [Fact]
    public void Dev_is_small_and_unprotected()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev"));
        Assert.Equal(Tier.Dev, spec.Tier);
        Assert.Equal("t4g.micro", spec.Compute.Ec2InstanceType);
        Assert.Equal((1024, 2048), (spec.Compute.FargateCpu, spec.Compute.FargateMemoryMb));
        Assert.Equal(new DatabaseSpec(DatabaseEngine.Postgres, "17", "db.t4g.micro", 20, 100, false, 1), spec.Database);
        Assert.Equal(new ProtectionSpec(false, false, false, false), spec.Protection);
        Assert.Equal(7, spec.Monitoring.LogRetentionDays);
        Assert.False(spec.Backend.RedactLogsToClient);
    }

    [Fact]
    public void Staging_is_protected_and_mid_sized()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("staging"));
        Assert.Equal(Tier.Staging, spec.Tier);
        Assert.Equal("t4g.medium", spec.Compute.Ec2InstanceType);
        Assert.Equal("db.t4g.small", spec.Database.InstanceClass);
        Assert.Equal(7, spec.Database.BackupRetentionDays);
        Assert.False(spec.Database.MultiAz);
        Assert.Equal(new ProtectionSpec(true, true, true, true), spec.Protection);
        Assert.Equal(30, spec.Monitoring.LogRetentionDays);
    }

    [Fact]
    public void Prod_is_protected_multi_az_with_long_retention()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("prod"));
        Assert.Equal(Tier.Prod, spec.Tier);
        Assert.Equal("t4g.medium", spec.Compute.Ec2InstanceType);
        Assert.Equal("db.t4g.medium", spec.Database.InstanceClass);
        Assert.Equal(14, spec.Database.BackupRetentionDays);
        Assert.True(spec.Database.MultiAz);
        Assert.True(spec.Protection.ProtectData);
        Assert.Equal(90, spec.Monitoring.LogRetentionDays);
        Assert.Equal((2048, 4096), (spec.Compute.FargateCpu, spec.Compute.FargateMemoryMb));
        Assert.True(spec.Backend.RedactLogsToClient);
    }

    [Theory]
    [InlineData("feature-x", Tier.Dev)]
    [InlineData("prod", Tier.Prod)]
    [InlineData("PROD", Tier.Dev)]
    [InlineData("staging", Tier.Staging)]
    public void Tier_defaults_to_the_stack_name_when_it_is_a_tier(string stack, Tier expected)
    {
        Assert.Equal(expected, TestConfigs.ReadValid(TestConfigs.Aws(stack)).Tier);
    }

    [Fact]
    public void Explicit_tier_wins_over_the_stack_name()
    {
        Assert.Equal(Tier.Staging, TestConfigs.ReadValid(TestConfigs.Aws("prod", ("tier", "staging"))).Tier);
    }

    [Fact]
    public void Tier_independent_defaults()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev"));
        Assert.Equal(("10.0.0.0/16", 2), (spec.Network.VpcCidr, spec.Network.AvailabilityZoneCount));
        Assert.Equal(["0.0.0.0/0"], spec.Network.HttpAllowedCidrs);
        Assert.Equal(["0.0.0.0/0"], spec.Network.DashboardAllowedCidrs);
        Assert.Empty(spec.Network.SshAllowedCidrs);
        Assert.Equal(new BackendTuning(172_800, "info", false, false), spec.Backend);
        Assert.Equal(new SecretRotation(0, 0), spec.Rotation);
        Assert.Equal(21, spec.Compute.FargateEphemeralStorageGb);
        Assert.Equal(EcsSubnetPlacement.Public, spec.Compute.EcsSubnets);
        Assert.Equal(EcsSubnetPlacement.PrivateWithNat, TestConfigs.ReadValid(TestConfigs.Aws("prod")).Compute.EcsSubnets);
        Assert.False(spec.Extensions.ConvexAuth || spec.Extensions.HasDeploymentEnvSecrets || spec.Extensions.AllowRevisionDowngrade);
        Assert.Empty(spec.Extensions.DeploymentEnv);
        Assert.Null(spec.Extensions.ExportSchedule);
        Assert.Null(spec.Local);
        Assert.Null(spec.Dns);
    }

    [Fact]
    public void Aws_endpoints_default_to_three_https_hostnames_under_the_domain()
    {
        var endpoints = TestConfigs.ReadValid(TestConfigs.Aws()).Endpoints;
        Assert.Equal(("api.convex.example.com", "site.convex.example.com", "dashboard.convex.example.com"),
            (endpoints.ApiHostname, endpoints.SiteHostname, endpoints.DashboardHostname));
        Assert.Equal("https://api.convex.example.com", endpoints.ApiOrigin);
        Assert.Equal("https://site.convex.example.com", endpoints.SiteOrigin);
        Assert.Equal("https://dashboard.convex.example.com", endpoints.DashboardOrigin);
    }

    [Fact]
    public void Local_defaults_to_sqlite_and_loopback_ports_without_region_or_domain()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Local());
        Assert.Equal(DatabaseEngine.Sqlite, spec.Database.Engine);
        Assert.Equal("127.0.0.1", spec.Endpoints.ApiHostname);
        Assert.Equal(new Uri("http://127.0.0.1:6791"), spec.Endpoints.DashboardUrl);
        Assert.Equal(new LocalSpec(3210, 3211, 6791), spec.Local);
    }
}
