using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class RepoStackFilesTests
{
    private static readonly string RepoRoot = RepoRootFinder.Find();

    public static TheoryData<string> StackFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoRoot, "Pulumi.*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(file!);
        }

        return data;
    }

    [Fact]
    public void The_repo_has_the_five_documented_stacks()
    {
        var names = Directory.GetFiles(RepoRoot, "Pulumi.*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["Pulumi.dev.yaml", "Pulumi.ecs.yaml", "Pulumi.local.yaml", "Pulumi.prod.yaml", "Pulumi.staging.yaml"], names);
    }

    [Theory]
    [MemberData(nameof(StackFiles))]
    public void Every_stack_file_parses_and_validates(string fileName)
    {
        var config = StackFile.Load(Path.Combine(RepoRoot, fileName));
        var spec = TestConfigs.ReadValid(config);

        Assert.Equal("convex-infra", spec.ProjectName);
        Assert.Equal(fileName["Pulumi.".Length..^".yaml".Length], spec.StackName);
        Assert.Equal(TestConfigs.Revision, spec.ImageRevision);
        Assert.DoesNotContain(config.Values.Values, value => value.IsSecret);
    }

    [Fact]
    public void Local_stack_runs_sqlite_on_loopback_http()
    {
        var spec = Read("local");
        Assert.Equal(DeploymentTarget.Local, spec.Target);
        Assert.Equal(Tier.Dev, spec.Tier);
        Assert.Equal(DatabaseEngine.Sqlite, spec.Database.Engine);
        Assert.Equal("http://127.0.0.1:3210", spec.Endpoints.ApiOrigin);
        Assert.Equal("http://127.0.0.1:3211", spec.Endpoints.SiteOrigin);
        Assert.Equal("http://127.0.0.1:6791", spec.Endpoints.DashboardOrigin);
        Assert.Equal(new LocalSpec(3210, 3211, 6791), spec.Local);
        Assert.Null(spec.Region);
        Assert.Null(spec.Dns);
    }

    [Fact]
    public void Prod_stack_is_protected_multi_az_with_dns_and_no_ssh()
    {
        var spec = Read("prod");
        Assert.Equal((DeploymentTarget.AwsEc2, Tier.Prod), (spec.Target, spec.Tier));
        Assert.Equal("acme-prod", spec.InstanceName);
        Assert.Equal("acme_prod", spec.DatabaseName);
        Assert.Equal("https://api.convex.example.com", spec.Endpoints.ApiOrigin);
        Assert.Equal("https://dashboard.convex.example.com", spec.Endpoints.DashboardOrigin);
        Assert.Equal(new DnsSpec("Z0123456789ABCDEFGHIJ"), spec.Dns);
        Assert.Equal("oncall@example.com", spec.Monitoring.AlarmEmail);
        Assert.Empty(spec.Network.SshAllowedCidrs);
        Assert.Equal(3, spec.Network.AvailabilityZoneCount);
        Assert.True(spec.Database.MultiAz);
        Assert.Equal(1000, spec.Database.MaxAllocatedStorageGb);
        Assert.True(spec.Protection is { ProtectData: true, DeletionProtection: true, FinalSnapshot: true, RetainBucketsOnDelete: true });
        Assert.Equal("production", spec.Tags["environment"]);
    }

    [Fact]
    public void Dev_and_staging_take_their_tier_from_the_stack_name()
    {
        var dev = Read("dev");
        var staging = Read("staging");
        Assert.Equal(Tier.Dev, dev.Tier);
        Assert.False(dev.Protection.ProtectData);
        Assert.Equal(["203.0.113.0/24"], dev.Network.SshAllowedCidrs);
        Assert.Equal("1234", dev.Tags["cost-center"]);
        Assert.Equal(Tier.Staging, staging.Tier);
        Assert.True(staging.Protection.ProtectData);
        Assert.Equal(["203.0.113.0/24", "198.51.100.0/24"], staging.Network.DashboardAllowedCidrs);
        Assert.Equal(["0.0.0.0/0"], staging.Network.HttpAllowedCidrs);
    }

    [Fact]
    public void Ecs_stack_is_fargate_prod_in_public_subnets()
    {
        var spec = Read("ecs");
        Assert.Equal((DeploymentTarget.AwsEcs, Tier.Prod), (spec.Target, spec.Tier));
        Assert.Equal(EcsSubnetPlacement.Public, spec.Compute.EcsSubnets);
        Assert.Equal((2048, 4096, 30), (spec.Compute.FargateCpu, spec.Compute.FargateMemoryMb, spec.Compute.FargateEphemeralStorageGb));
        Assert.Equal(DatabaseEngine.Postgres, spec.Database.Engine);
    }

    [Fact]
    public void Project_name_comes_from_Pulumi_yaml()
    {
        Assert.Equal("convex-infra", StackFile.FindProjectName(Path.Combine(RepoRoot, "Pulumi.yaml")));
    }

    private static DeploymentSpec Read(string stack) =>
        TestConfigs.ReadValid(StackFile.Load(Path.Combine(RepoRoot, $"Pulumi.{stack}.yaml")));
}
