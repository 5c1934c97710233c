using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Fixtures;

/// <summary>Specs built by hand (independent of the settings reader): one per target/engine shape that matters.</summary>
public static class TestSpecs
{
    public const string Revision = "33cef775a8a6228cbacee4a09ac2c4073d62ed13";
    public const string OtherRevision = "c1a7ac393888d743e704de56cf569a154b4526d4";

    /// <summary>Fake but recognisable secret values: a test fails if any of them shows up where it must not.</summary>
    public const string FakeInstanceSecret = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";
    public const string FakeDbPassword = "Pa$$w0rd/with:reserved@chars?#";

    public static DeploymentSpec Ec2Dev { get; } = Aws("dev", DeploymentTarget.AwsEc2, Tier.Dev) with
    {
        Backend = new BackendTuning(172800, "info", DisableBeacon: false, RedactLogsToClient: false),
    };

    public static DeploymentSpec Ec2Prod { get; } = Aws("prod", DeploymentTarget.AwsEc2, Tier.Prod) with
    {
        Network = new NetworkSpec("10.40.0.0/16", 2, ["0.0.0.0/0"], [], ["203.0.113.0/24", "198.51.100.7/32"]),
        Compute = new ComputeSpec("t4g.medium", 40, 1024, 4096, 50, EcsSubnetPlacement.Public, "ops@example.com"),
        Database = new DatabaseSpec(DatabaseEngine.Postgres, "17", "db.t4g.small", 20, 100, MultiAz: true, 14),
        Rotation = new SecretRotation(2, 1),
    };

    public static DeploymentSpec EcsStaging { get; } = Aws("staging", DeploymentTarget.AwsEcs, Tier.Staging);

    public static DeploymentSpec LocalSqlite { get; } = Local("local", DatabaseEngine.Sqlite);

    public static DeploymentSpec LocalPostgres { get; } = Local("local-pg", DatabaseEngine.Postgres);

    public static IReadOnlyList<DeploymentSpec> All { get; } = [Ec2Dev, Ec2Prod, EcsStaging, LocalSqlite, LocalPostgres];

    public static IReadOnlyList<DeploymentSpec> Ec2 { get; } = [Ec2Dev, Ec2Prod];

    public static TheoryData<string> AllNames => new(All.Select(s => s.StackName));

    public static TheoryData<string> Ec2Names => new(Ec2.Select(s => s.StackName));

    public static DeploymentSpec Named(string stack) => All.Single(s => s.StackName == stack);

    /// <summary>Runtime values as the Pulumi layer would resolve them; null for local stacks.</summary>
    public static AwsRuntimeValues? AwsFor(DeploymentSpec spec)
    {
        if (!spec.Target.IsAws())
        {
            return null;
        }

        var prefix = ResourceNames.ResourcePrefix(spec);
        return new AwsRuntimeValues(
            spec.Region!,
            new BucketNames($"{prefix}-exports", $"{prefix}-snapshot-imports", $"{prefix}-modules", $"{prefix}-files", $"{prefix}-search"),
            $"{prefix}.c9akciq32xyz.{spec.Region}.rds.amazonaws.com",
            5432,
            "convex",
            ResourceNames.SecretParameters(spec));
    }

    public static AwsRuntimeValues RequireAws(DeploymentSpec spec) =>
        AwsFor(spec) ?? throw new ArgumentException($"{spec.StackName} is not an AWS stack");

    private static DeploymentSpec Aws(string stack, DeploymentTarget target, Tier tier) => new()
    {
        ProjectName = "convex-infra",
        StackName = stack,
        Target = target,
        Tier = tier,
        InstanceName = "acme-chat",
        ImageRevision = Revision,
        Region = "eu-west-1",
        Endpoints = new PublicEndpoints(
            $"api.{stack}.convex.example.com",
            $"site.{stack}.convex.example.com",
            $"dashboard.{stack}.convex.example.com",
            new Uri($"https://api.{stack}.convex.example.com"),
            new Uri($"https://site.{stack}.convex.example.com"),
            new Uri($"https://dashboard.{stack}.convex.example.com")),
        Dns = new DnsSpec("Z0123456789ABCDEFGHIJ"),
        Network = new NetworkSpec("10.20.0.0/16", 2, ["0.0.0.0/0"], [], []),
        Database = new DatabaseSpec(DatabaseEngine.Postgres, "17", "db.t4g.micro", 20, 100, MultiAz: false, 7),
        Compute = new ComputeSpec("t4g.small", 30, 1024, 2048, 30, EcsSubnetPlacement.Public, AcmeEmail: null),
        Protection = new ProtectionSpec(tier != Tier.Dev, tier != Tier.Dev, tier != Tier.Dev, tier != Tier.Dev),
        Monitoring = new MonitoringSpec("alerts@example.com", 30),
        Backend = new BackendTuning(172800, "info", DisableBeacon: true, RedactLogsToClient: true),
        Rotation = new SecretRotation(1, 1),
    };

    private static DeploymentSpec Local(string stack, DatabaseEngine engine) => new()
    {
        ProjectName = "convex-infra",
        StackName = stack,
        Target = DeploymentTarget.Local,
        Tier = Tier.Dev,
        InstanceName = "convex-local",
        ImageRevision = Revision,
        Region = null,
        Endpoints = new PublicEndpoints(
            "127.0.0.1",
            "127.0.0.1",
            "127.0.0.1",
            new Uri("http://127.0.0.1:3210"),
            new Uri("http://127.0.0.1:3211"),
            new Uri("http://127.0.0.1:6791")),
        Network = new NetworkSpec("10.0.0.0/16", 1, [], [], []),
        Database = new DatabaseSpec(engine, "17", "local", 1, 1, MultiAz: false, 0),
        Compute = new ComputeSpec("local", 0, 0, 0, 0, EcsSubnetPlacement.Public, AcmeEmail: null),
        Protection = new ProtectionSpec(false, false, false, false),
        Monitoring = new MonitoringSpec(null, 7),
        Backend = new BackendTuning(172800, "info", DisableBeacon: false, RedactLogsToClient: false),
        Rotation = new SecretRotation(1, 1),
        Local = new LocalSpec(3210, 3211, 6791),
    };
}
