namespace ConvexInfra.Core.Rendering;

/// <summary>Where things live on the EC2 host, and the pinned tools it installs. One place, so scripts and renderers agree.</summary>
public static class HostLayout
{
    /// <summary>The compose project directory; every release file lives below it.</summary>
    public const string ConfigDir = "/etc/convex";

    public const string StateDir = "/var/lib/convex";
    public const string HostEnvPath = ConfigDir + "/host.env";
    public const string ReleaseScriptPath = "/usr/local/sbin/convex-release";
    public const string BootstrapScriptPath = "/usr/local/sbin/convex-bootstrap";
    public const string HostSetupScriptPath = "/usr/local/sbin/convex-host-setup";
    public const string ContainerFirewallScriptPath = "/usr/local/sbin/convex-container-firewall";
    public const string SystemdDir = "/etc/systemd/system";

    /// <summary>Paths relative to <see cref="ConfigDir"/>, as the release JSON names them.</summary>
    public const string ComposeFileName = "docker-compose.yml";

    public const string CaddyfileName = "caddy/Caddyfile";
    public const string BackendEnvName = "backend.env";
    public const string BackendSecretsEnvName = "backend.secrets.env";
    public const string CaBundleName = "certs/rds-global-bundle.pem";

    /// <summary>Compose project name, so that containers and volumes keep their names whatever directory holds the file.</summary>
    public const string ComposeProject = "convex";

    /// <summary>Caddy runs as a container (AL2023 has no Caddy package); the tag pins the version.</summary>
    public const string CaddyImage = "caddy:2.10.0";

    /// <summary>Docker Compose v2 standalone binary from GitHub releases (AL2023 ships Docker without compose).</summary>
    public const string ComposeVersion = "v2.29.7";

    /// <summary>
    /// The CloudWatch agent from Amazon Linux 2023's own repository, pinned (name-version-release as the AL2023 release
    /// notes of 2026-05-26 list it); dnf-automatic's security updates may raise it later.
    /// </summary>
    public const string CloudWatchAgentPackage = "amazon-cloudwatch-agent-1.300066.2-2.amzn2023";

    public const string CloudWatchAgentCtlPath = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl";

    /// <summary>
    /// The metrics relay's script (host tooling), mounted read-only into its container. Host tooling files live where
    /// every released convex-release accepts them (/usr/local/sbin/convex-*), so a host still running an older
    /// convex-release installs them without a failed release.
    /// </summary>
    public const string MetricsRelayScriptPath = "/usr/local/sbin/convex-metrics-relay";

    /// <summary>The CloudWatch agent's JSON configuration and its Prometheus scrape file (host tooling; see above for the place).</summary>
    public const string CloudWatchAgentConfigPath = "/usr/local/sbin/convex-cloudwatch-agent-config";

    public const string CloudWatchAgentPrometheusPath = "/usr/local/sbin/convex-cloudwatch-agent-prometheus";

    /// <summary>The metrics relay's port on the host's loopback (<see cref="MetricsRelay"/>), where the agent scrapes.</summary>
    public const int MetricsRelayPort = 9464;

    public const int BackendPort = 3210;
    public const int DashboardPort = 6791;
}
