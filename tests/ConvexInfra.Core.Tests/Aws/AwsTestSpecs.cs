using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>Hand-built specs for the AWS and cost tests (the settings reader is tested on its own).</summary>
internal static class AwsTestSpecs
{
    public const string Revision = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf";

    public static DeploymentSpec DevEc2() => new()
    {
        ProjectName = "convex-infra",
        StackName = "dev",
        Target = DeploymentTarget.AwsEc2,
        Tier = Tier.Dev,
        InstanceName = "acme-dev",
        ImageRevision = Revision,
        Region = "us-east-1",
        Endpoints = Endpoints("dev.convex.example.com"),
        Network = new NetworkSpec("10.40.0.0/16", 2, ["0.0.0.0/0"], [], ["0.0.0.0/0"]),
        Database = new DatabaseSpec(DatabaseEngine.Postgres, "17", "db.t4g.micro", 20, 100, MultiAz: false, BackupRetentionDays: 1),
        Compute = new ComputeSpec("t4g.small", 20, 1024, 2048, 21, EcsSubnetPlacement.Public, AcmeEmail: null),
        Protection = new ProtectionSpec(false, false, false, false),
        Monitoring = new MonitoringSpec(null, 7),
        Backend = new BackendTuning(172800, "info", DisableBeacon: false, RedactLogsToClient: false),
        Rotation = new SecretRotation(1, 1),
    };

    public static DeploymentSpec ProdEc2() => DevEc2() with
    {
        StackName = "prod",
        Tier = Tier.Prod,
        InstanceName = "acme-prod",
        Endpoints = Endpoints("convex.example.com"),
        Dns = new DnsSpec("Z0123456789ABCDEFGHIJ"),
        Network = new NetworkSpec("10.50.0.0/16", 3, ["0.0.0.0/0"], [], ["198.51.100.0/24"]),
        Database = new DatabaseSpec(DatabaseEngine.Postgres, "17", "db.t4g.medium", 50, 500, MultiAz: true, BackupRetentionDays: 14),
        Compute = new ComputeSpec("t4g.medium", 30, 2048, 4096, 30, EcsSubnetPlacement.Public, "ops@example.com"),
        Protection = new ProtectionSpec(true, true, true, true),
        Monitoring = new MonitoringSpec("oncall@example.com", 90),
    };

    public static DeploymentSpec ProdEcs(EcsSubnetPlacement placement) => ProdEc2() with
    {
        StackName = "ecs",
        Target = DeploymentTarget.AwsEcs,
        InstanceName = "acme-ecs",
        Network = new NetworkSpec("10.60.0.0/16", 2, ["0.0.0.0/0"], [], ["0.0.0.0/0"]),
        Compute = new ComputeSpec("t4g.medium", 30, 2048, 4096, 30, placement, AcmeEmail: null),
    };

    public static DeploymentSpec Local() => DevEc2() with
    {
        StackName = "local",
        Target = DeploymentTarget.Local,
        Region = null,
        Endpoints = new PublicEndpoints(
            "127.0.0.1", "127.0.0.1", "127.0.0.1",
            new Uri("http://127.0.0.1:3210"), new Uri("http://127.0.0.1:3211"), new Uri("http://127.0.0.1:6791")),
        Database = new DatabaseSpec(DatabaseEngine.Sqlite, "17", "db.t4g.micro", 20, 100, false, 0),
        Local = new LocalSpec(3210, 3211, 6791),
    };

    /// <summary>Bucket names as the Storage component derives them: one set per stack.</summary>
    public static BucketNames Buckets(DeploymentSpec spec)
    {
        var prefix = $"{spec.StackName}-{spec.InstanceName}";
        return new BucketNames($"{prefix}-exports", $"{prefix}-snapshot-imports", $"{prefix}-modules", $"{prefix}-files", $"{prefix}-search");
    }

    private static PublicEndpoints Endpoints(string domain) => new(
        $"api.{domain}",
        $"site.{domain}",
        $"dashboard.{domain}",
        new Uri($"https://api.{domain}"),
        new Uri($"https://site.{domain}"),
        new Uri($"https://dashboard.{domain}"));
}
