using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>Local stack specs built by hand, as the settings reader would build them for Pulumi.local.yaml.</summary>
internal static class LocalTestSpecs
{
    public const string Revision = "0123456789abcdef0123456789abcdef01234567";

    public static DeploymentSpec Sqlite(int apiPort = 3210, int sitePort = 3211, int dashboardPort = 6791) =>
        Build(DatabaseEngine.Sqlite, apiPort, sitePort, dashboardPort);

    public static DeploymentSpec Postgres(int apiPort = 3210, int sitePort = 3211, int dashboardPort = 6791) =>
        Build(DatabaseEngine.Postgres, apiPort, sitePort, dashboardPort);

    private static DeploymentSpec Build(DatabaseEngine engine, int apiPort, int sitePort, int dashboardPort) => new()
    {
        ProjectName = "convex-infra",
        StackName = "local",
        Target = DeploymentTarget.Local,
        Tier = Tier.Dev,
        InstanceName = "acme-local",
        ImageRevision = Revision,
        Region = null,
        Endpoints = new PublicEndpoints(
            "127.0.0.1",
            "127.0.0.1",
            "127.0.0.1",
            new Uri($"http://127.0.0.1:{apiPort}"),
            new Uri($"http://127.0.0.1:{sitePort}"),
            new Uri($"http://127.0.0.1:{dashboardPort}")),
        Network = new NetworkSpec("10.0.0.0/16", 2, [], [], []),
        Database = new DatabaseSpec(engine, "17", "db.t4g.micro", 20, 100, false, 1),
        Compute = new ComputeSpec("t4g.small", 20, 1024, 2048, 21, EcsSubnetPlacement.Public, null),
        Protection = new ProtectionSpec(false, false, false, false),
        Monitoring = new MonitoringSpec(null, 7),
        Backend = new BackendTuning(172800, "info", true, false),
        Rotation = new SecretRotation(0, 0),
        Local = new LocalSpec(apiPort, sitePort, dashboardPort),
    };
}
