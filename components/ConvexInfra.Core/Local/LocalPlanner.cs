using System.Text.RegularExpressions;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Local;

/// <summary>
/// Describes the containers, volumes and network of a <c>local</c> stack as plain data. The Pulumi
/// component registers exactly this; tests and previews read it without Docker.
/// </summary>
public static partial class LocalPlanner
{
    public const string Loopback = "127.0.0.1";
    public const int ApiContainerPort = 3210;
    public const int SiteContainerPort = 3211;
    public const int DashboardContainerPort = 6791;
    public const int PostgresPort = 5432;
    public const string PostgresUser = "convex";

    /// <summary>The backend only drains in-flight requests on SIGINT (see convex-facts §1, "Stop behaviour").</summary>
    public const string StopSignal = "SIGINT";

    public const int BackendStopGraceSeconds = 30;
    public const string RestartPolicy = "unless-stopped";

    public static LocalStackPlan Plan(DeploymentSpec spec)
    {
        var local = Validate(spec);
        var postgres = spec.Database.Engine == DatabaseEngine.Postgres
            ? new LocalPostgres(LocalNames.Container(spec, LocalRole.Postgres), PostgresPort, PostgresUser, spec.DatabaseName)
            : null;

        var volumes = new List<LocalVolume>
        {
            new(LocalNames.BackendDataVolume(spec), "backend data (/convex/data: SQLite database, file storage, credentials)", LocalNames.Labels(spec)),
        };
        var containers = new List<LocalContainer>();
        if (postgres is not null)
        {
            volumes.Add(new(LocalNames.PostgresDataVolume(spec), "Postgres data directory", LocalNames.Labels(spec)));
            containers.Add(PostgresContainer(spec, postgres));
        }

        containers.Add(BackendContainer(spec, local, postgres is not null));
        containers.Add(DashboardContainer(spec, local));
        if (local.Backups is { } backups)
        {
            containers.Add(LocalBackups.Container(spec, backups));
        }

        return new LocalStackPlan
        {
            NetworkName = LocalNames.Network(spec),
            Labels = LocalNames.Labels(spec),
            Volumes = volumes,
            Containers = containers,
            Postgres = postgres,
            Engine = spec.Database.Engine,
        };
    }

    private static LocalContainer PostgresContainer(DeploymentSpec spec, LocalPostgres postgres) => new()
    {
        Role = LocalRole.Postgres,
        Name = postgres.Host,
        Image = LocalImages.Postgres,
        Ports = [],
        Volumes = [new VolumeMount(LocalNames.PostgresDataVolume(spec), LocalImages.PostgresDataPath)],
        // -h forces TCP: during first initialisation the image runs a temporary server on the unix socket
        // only, so a socket check could report ready before POSTGRES_DB exists and the real server is up.
        HealthCheck = new HealthCheck(
            ["CMD", "pg_isready", "-h", Loopback, "-p", $"{PostgresPort}", "-U", postgres.User, "-d", postgres.Database],
            IntervalSeconds: 3, TimeoutSeconds: 5, StartPeriodSeconds: 30, Retries: 10),
        StopSignal = StopSignal,
        StopGraceSeconds = 30,
        HealthyWaitSeconds = 120,
        RestartPolicy = RestartPolicy,
        DependsOnHealthy = [],
        // POSTGRES_DB makes the image create the instance's database on first start, before the backend
        // (which never creates it) connects.
        PlainEnv = [new("POSTGRES_USER", postgres.User), new("POSTGRES_DB", postgres.Database)],
        SecretEnv = [new("POSTGRES_PASSWORD", LocalSecret.PostgresPassword)],
        Labels = LocalNames.Labels(spec, LocalRole.Postgres),
        LogOptions = LogRotation,
    };

    private static LocalContainer BackendContainer(DeploymentSpec spec, LocalSpec local, bool withPostgres) => new()
    {
        Role = LocalRole.Backend,
        Name = LocalNames.Container(spec, LocalRole.Backend),
        Image = spec.BackendImage,
        Ports =
        [
            new PortBinding(Loopback, local.ApiPort, ApiContainerPort),
            new PortBinding(Loopback, local.SitePort, SiteContainerPort),
        ],
        Volumes = [new VolumeMount(LocalNames.BackendDataVolume(spec), LocalImages.BackendDataPath)],
        HealthCheck = new HealthCheck(
            ["CMD", "curl", "-fsS", "-o", "/dev/null", $"http://{Loopback}:{ApiContainerPort}/version"],
            IntervalSeconds: 5, TimeoutSeconds: 5, StartPeriodSeconds: 60, Retries: 5),
        StopSignal = StopSignal,
        StopGraceSeconds = BackendStopGraceSeconds,
        // First start (and every upgrade) runs schema migrations before /version answers.
        HealthyWaitSeconds = 300,
        RestartPolicy = RestartPolicy,
        DependsOnHealthy = withPostgres ? [LocalRole.Postgres] : [],
        PlainEnv = [],
        SecretEnv = [],
        Labels = LocalNames.Labels(spec, LocalRole.Backend),
        LogOptions = LogRotation,
    };

    private static LocalContainer DashboardContainer(DeploymentSpec spec, LocalSpec local) => new()
    {
        Role = LocalRole.Dashboard,
        Name = LocalNames.Container(spec, LocalRole.Dashboard),
        Image = spec.DashboardImage,
        Ports = [new PortBinding(Loopback, local.DashboardPort, DashboardContainerPort)],
        Volumes = [],
        // The dashboard image has node but no curl (a Node alpine base at the pinned revision): a curl check would
        // never pass and `pulumi up` would wait for health until it times out. The URL is node's first argument.
        HealthCheck = new HealthCheck(
            ["CMD", "node", "-e", DashboardProbe, $"http://{Loopback}:{DashboardContainerPort}/"],
            IntervalSeconds: 5, TimeoutSeconds: 5, StartPeriodSeconds: 30, Retries: 5),
        StopSignal = StopSignal,
        StopGraceSeconds = 10,
        HealthyWaitSeconds = 120,
        RestartPolicy = RestartPolicy,
        DependsOnHealthy = [LocalRole.Backend],
        PlainEnv = [],
        SecretEnv = [],
        Labels = LocalNames.Labels(spec, LocalRole.Dashboard),
        LogOptions = LogRotation,
    };

    /// <summary>Exit 0 on a 2xx answer from the URL in argv[1], 1 on any other status or no answer (Node 18+ has fetch).</summary>
    private const string DashboardProbe = "fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))";

    internal static readonly IReadOnlyDictionary<string, string> LogRotation =
        new SortedDictionary<string, string>(StringComparer.Ordinal) { ["max-size"] = "10m", ["max-file"] = "3" };

    private static LocalSpec Validate(DeploymentSpec spec)
    {
        if (spec.Target != DeploymentTarget.Local)
        {
            throw new ArgumentException(
                $"convex-infra:target: got {spec.Target.ConfigName()}; the local Docker stack needs target local. Example: convex-infra:target: local",
                nameof(spec));
        }

        var local = spec.Local ?? throw new ArgumentException(
            "the spec of a local stack carries no local settings (ports); the settings reader fills them for target local.", nameof(spec));

        if (!PinnedRevision().IsMatch(spec.ImageRevision))
        {
            throw new ArgumentException(
                $"convex-infra:imageRevision: got '{spec.ImageRevision}'; expected the 40-character lowercase git SHA of a Convex release. Example: convex-infra:imageRevision: {new string('0', 40)}",
                nameof(spec));
        }

        CheckPort("convex-infra:localApiPort", local.ApiPort, spec.Endpoints.ApiUrl);
        CheckPort("convex-infra:localSitePort", local.SitePort, spec.Endpoints.SiteUrl);
        CheckPort("convex-infra:localDashboardPort", local.DashboardPort, spec.Endpoints.DashboardUrl);
        var ports = new[] { local.ApiPort, local.SitePort, local.DashboardPort };
        if (ports.Distinct().Count() != ports.Length)
        {
            throw new ArgumentException(
                $"convex-infra:localApiPort/localSitePort/localDashboardPort: got {string.Join(", ", ports)}; expected three different ports. Example: 3210, 3211, 6791",
                nameof(spec));
        }

        return local;
    }

    private static void CheckPort(string key, int port, Uri url)
    {
        if (port is < 1024 or > 65535)
        {
            throw new ArgumentException($"{key}: got {port}; expected a port from 1024 to 65535. Example: {key}: \"3210\"");
        }

        // The containers publish on loopback only, so a URL pointing elsewhere (or at another port) would
        // hand out origins that nothing answers on.
        if (!url.IsLoopback || url.Port != port || url.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException(
                $"{key}: the public URL {url} does not match http://{Loopback}:{port}; local stacks serve on loopback only. Example: http://{Loopback}:{port}");
        }
    }

    [GeneratedRegex("^[0-9a-f]{40}$")]
    private static partial Regex PinnedRevision();
}
