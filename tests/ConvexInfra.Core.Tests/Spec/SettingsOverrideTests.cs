using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class SettingsOverrideTests
{
    [Fact]
    public void Sizes_and_switches_override_the_tier()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("prod",
            ("instanceType", "m7g.large"), ("rootVolumeGb", "80"), ("dbInstanceClass", "db.r7g.large"),
            ("dbAllocatedStorageGb", "200"), ("dbMaxAllocatedStorageGb", "200"), ("dbMultiAz", "false"),
            ("dbEngineVersion", "16.4"), ("backupRetentionDays", "35"), ("protectData", "false"),
            ("logRetentionDays", "365"), ("availabilityZones", "3"), ("vpcCidr", "172.20.0.0/20")));

        Assert.Equal(("m7g.large", 80), (spec.Compute.Ec2InstanceType, spec.Compute.RootVolumeGb));
        Assert.Equal(new DatabaseSpec(DatabaseEngine.Postgres, "16.4", "db.r7g.large", 200, 200, false, 35), spec.Database);
        Assert.Equal(new ProtectionSpec(false, false, false, false), spec.Protection);
        Assert.Equal(365, spec.Monitoring.LogRetentionDays);
        Assert.Equal(("172.20.0.0/20", 3), (spec.Network.VpcCidr, spec.Network.AvailabilityZoneCount));
    }

    [Fact]
    public void Allocated_storage_above_the_default_ceiling_raises_the_ceiling()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("dbAllocatedStorageGb", "300")));
        Assert.Equal((300, 300), (spec.Database.AllocatedStorageGb, spec.Database.MaxAllocatedStorageGb));
    }

    [Fact]
    public void Hostname_overrides_replace_the_domain_defaults_one_by_one()
    {
        var endpoints = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("apiHostname", "convex.acme.io"))).Endpoints;
        Assert.Equal("https://convex.acme.io", endpoints.ApiOrigin);
        Assert.Equal("https://site.convex.example.com", endpoints.SiteOrigin);
    }

    [Fact]
    public void Three_hostnames_make_the_domain_unnecessary()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("domain", null),
            ("apiHostname", "api.acme.io"), ("siteHostname", "actions.acme.io"), ("dashboardHostname", "admin.acme.io")));
        Assert.Equal("https://actions.acme.io", spec.Endpoints.SiteOrigin);
    }

    [Fact]
    public void Fargate_cpu_alone_gets_a_memory_size_that_fits_it()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("target", "aws-ecs"), ("fargateCpu", "4096"), ("hostedZoneId", "Z0123456789ABCDEFGHIJ")));
        Assert.Equal((4096, 8192), (spec.Compute.FargateCpu, spec.Compute.FargateMemoryMb));
        Assert.Equal(2048, TestConfigs.ReadValid(TestConfigs.Aws("dev", ("fargateCpu", "512"))).Compute.FargateMemoryMb);
    }

    [Fact]
    public void Cidr_lists_tags_and_rotation_counters_are_read()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev",
            ("httpAllowedCidrs", """["198.51.100.0/24","203.0.113.7/32"]"""), ("sshAllowedCidrs", """["203.0.113.7/32"]"""),
            ("tags", """{"team":"platform","cost-center":1234}"""), ("instanceSecretVersion", "2"), ("adminKeyVersion", "5"),
            ("hostedZoneId", "Z0123456789ABCDEFGHIJ"), ("acmeEmail", "ops@example.com"), ("ecsSubnets", "private")));

        Assert.Equal(["198.51.100.0/24", "203.0.113.7/32"], spec.Network.HttpAllowedCidrs);
        Assert.Equal(spec.Network.HttpAllowedCidrs, spec.Network.DashboardAllowedCidrs);
        Assert.Equal(["203.0.113.7/32"], spec.Network.SshAllowedCidrs);
        Assert.Equal("1234", spec.Tags["cost-center"]);
        Assert.Equal(new SecretRotation(2, 5), spec.Rotation);
        Assert.Equal("Z0123456789ABCDEFGHIJ", spec.Dns!.HostedZoneId);
        Assert.Equal("ops@example.com", spec.Compute.AcmeEmail);
        Assert.Equal(EcsSubnetPlacement.PrivateWithNat, spec.Compute.EcsSubnets);
    }

    [Fact]
    public void Backend_tuning_overrides()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Local(("documentRetentionDelaySeconds", "86400"),
            ("rustLog", "warn,convex=debug"), ("disableBeacon", "true"), ("redactLogsToClient", "True")));
        Assert.Equal(new BackendTuning(86400, "warn,convex=debug", true, true), spec.Backend);
    }

    [Fact]
    public void Local_ports_and_postgres_can_be_chosen()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Local(("localApiPort", "4210"), ("localSitePort", "4211"),
            ("localDashboardPort", "4791"), ("database", "postgres")));
        Assert.Equal("http://127.0.0.1:4211", spec.Endpoints.SiteOrigin);
        Assert.Equal(new LocalSpec(4210, 4211, 4791), spec.Local);
        Assert.Equal(DatabaseEngine.Postgres, spec.Database.Engine);
    }

    [Fact]
    public void Reserved_extension_settings_are_typed()
    {
        var config = TestConfigs.Aws("dev", ("convexAuth", "true"), ("convexAuthSiteUrl", "https://app.example.com"),
            ("deploymentEnv", """{"APP_MODE":"production","FLAG":true}"""), ("deploymentEnvPrune", "true"),
            ("exportSchedule", "cron(0 3 * * ? *)"), ("allowRevisionDowngrade", "false")).WithSecret("deploymentEnvSecrets");
        var extensions = TestConfigs.ReadValid(config).Extensions;

        Assert.True(extensions.ConvexAuth);
        Assert.Equal(new Uri("https://app.example.com"), extensions.ConvexAuthSiteUrl);
        Assert.Equal("true", extensions.DeploymentEnv["FLAG"]);
        Assert.True(extensions.HasDeploymentEnvSecrets);
        Assert.True(extensions.DeploymentEnvPrune);
        Assert.Equal("cron(0 3 * * ? *)", extensions.ExportSchedule);
        Assert.False(extensions.AllowRevisionDowngrade);
    }

    [Fact]
    public void Keys_of_other_namespaces_are_ignored()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("aws:profile", "acme"), ("pulumi:tags", """{"a":"b"}"""),
            ("random:whatever", "1")).WithSecret("aws:secretKey"));
        Assert.Equal("eu-west-1", spec.Region);
    }
}
