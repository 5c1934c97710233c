using System.Globalization;
using System.Text;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using static ConvexInfra.Core.Rendering.YamlText;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The docker-compose file of the EC2 host (project directory <see cref="HostLayout.ConfigDir"/>): backend,
/// dashboard and Caddy, each in its trust zone (<see cref="ContainerNetworks"/>). Relative paths resolve against the
/// directory holding the file, so the release script can validate a staged copy before it replaces the live one.
/// </summary>
public static class ComposeFile
{
    /// <summary>Room for the backend to drain in-flight requests after SIGINT before Docker kills it.</summary>
    public const int StopGraceSeconds = 60;

    /// <summary>
    /// Log streams in the stack's host log group (<see cref="Naming.ResourceNames.HostLogGroup"/>), one per service;
    /// a recreated container keeps writing to its service's stream.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> LogStreams = new Dictionary<string, string>
    {
        ["backend"] = "backend",
        ["dashboard"] = "dashboard",
        ["caddy"] = "proxy",
        [Ops.MetricsRelay.ContainerName] = Ops.MetricsRelay.ContainerName,
    };

    public static string Render(DeploymentSpec spec, AwsRuntimeValues aws)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(aws);
        if (spec.Target != DeploymentTarget.AwsEc2)
        {
            throw new ArgumentException($"the compose file is for target aws-ec2; stack {spec.StackName} has target {spec.Target.ConfigName()}", nameof(spec));
        }

        ContainerNetworks.RequireNoOverlap(spec);

        var caBundleDir = Path.GetDirectoryName(ConvexEnvironment.RdsCaBundlePath)!;
        var text = new StringBuilder();
        text.Append("---\n");
        text.Append(CultureInfo.InvariantCulture, $"# Managed by convex-infra (stack {spec.StackName}); the next release overwrites local edits.\n");
        text.Append("services:\n");

        text.Append("  backend:\n");
        text.Append(CultureInfo.InvariantCulture, $"    image: {Value(spec.BackendImage)}\n");
        text.Append("    restart: always\n");
        text.Append("    # The backend drains only on Ctrl-C; SIGTERM would end in a SIGKILL after the grace period.\n");
        text.Append("    stop_signal: SIGINT\n");
        text.Append(CultureInfo.InvariantCulture, $"    stop_grace_period: {StopGraceSeconds}s\n");
        text.Append("    env_file:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - ./{HostLayout.BackendEnvName}\n");
        text.Append(CultureInfo.InvariantCulture, $"      - ./{HostLayout.BackendSecretsEnvName}\n");
        text.Append("    # For convex-release's /version check; Caddy uses the backend network.\n");
        text.Append("    ports:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value($"127.0.0.1:{HostLayout.BackendPort}:{HostLayout.BackendPort}")}\n");
        text.Append("    networks:\n");
        text.Append(CultureInfo.InvariantCulture, $"      {ContainerNetworks.Backend}:\n");
        text.Append("        # The only container address allowed to reach IMDS (convex-container-firewall).\n");
        text.Append(CultureInfo.InvariantCulture, $"        ipv4_address: {Value(ContainerNetworks.BackendAddress)}\n");
        text.Append("    volumes:\n");
        text.Append("      - \"convex-data:/convex/data\"\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value($"./{Path.GetDirectoryName(HostLayout.CaBundleName)}:{caBundleDir}:ro")}\n");
        text.Append("    # The image copies INSTANCE_SECRET into credentials/; keep that copy in memory, off the disk.\n");
        text.Append("    tmpfs:\n");
        text.Append("      - \"/convex/data/credentials\"\n");
        text.Append("    healthcheck:\n");
        text.Append(CultureInfo.InvariantCulture, $"      test: [\"CMD\", \"curl\", \"-fsS\", \"http://127.0.0.1:{HostLayout.BackendPort}/version\"]\n");
        text.Append("      interval: 5s\n");
        text.Append("      timeout: 5s\n");
        text.Append("      retries: 3\n");
        // Schema migrations run before /version answers: failed checks count only after the rollout's deadline.
        text.Append(CultureInfo.InvariantCulture, $"      start_period: {spec.Rollout.BackendHealthTimeoutSeconds}s\n");
        AppendLogging(text, spec, aws, "backend");

        AppendMetricsRelay(text, spec, aws);

        text.Append("  dashboard:\n");
        text.Append(CultureInfo.InvariantCulture, $"    image: {Value(spec.DashboardImage)}\n");
        text.Append("    restart: always\n");
        text.Append("    environment:\n");
        foreach (var variable in ConvexEnvironment.Dashboard(spec))
        {
            text.Append(CultureInfo.InvariantCulture, $"      {variable.Name}: {Value(variable.Value)}\n");
        }

        text.Append("    # No published port, no way off its network: only Caddy reaches it.\n");
        text.Append("    networks:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {ContainerNetworks.Dashboard}\n");
        text.Append("    depends_on:\n");
        text.Append("      backend:\n");
        text.Append("        condition: service_healthy\n");
        AppendLogging(text, spec, aws, "dashboard");

        text.Append("  caddy:\n");
        text.Append(CultureInfo.InvariantCulture, $"    image: {Value(HostLayout.CaddyImage)}\n");
        text.Append("    restart: always\n");
        text.Append("    # Docker's DNAT keeps the client address (remote_ip); 443/udp is HTTP/3.\n");
        text.Append("    ports:\n");
        text.Append("      - \"80:80\"\n");
        text.Append("      - \"443:443\"\n");
        text.Append("      - \"443:443/udp\"\n");
        text.Append("    networks:\n");
        foreach (var network in ContainerNetworks.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"      - {network.Name}\n");
        }

        text.Append("    volumes:\n");
        text.Append("      # A directory mount, so the container sees a Caddyfile replaced by rename.\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value($"./{Path.GetDirectoryName(HostLayout.CaddyfileName)}:/etc/caddy:ro")}\n");
        text.Append("      - \"caddy-data:/data\"\n");
        text.Append("      - \"caddy-config:/config\"\n");
        AppendLogging(text, spec, aws, "caddy");

        text.Append("networks:\n");
        foreach (var network in ContainerNetworks.All)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {network.Name}:\n");
            if (network.Internal)
            {
                text.Append("    internal: true\n");
            }

            text.Append("    ipam:\n");
            text.Append("      config:\n");
            text.Append(CultureInfo.InvariantCulture, $"        - subnet: {Value(network.Subnet)}\n");
        }

        text.Append("volumes:\n");
        text.Append("  convex-data: {}\n");
        text.Append("  caddy-data: {}\n");
        text.Append("  caddy-config: {}\n");
        return text.ToString();
    }

    /// <summary>
    /// CloudWatch Logs through Docker's awslogs driver, with the instance role's credentials. Non-blocking with a
    /// 4 MB buffer: an unreachable CloudWatch drops log lines rather than stalling the backend.
    /// </summary>
    private static void AppendLogging(StringBuilder text, DeploymentSpec spec, AwsRuntimeValues aws, string service)
    {
        text.Append("    logging:\n");
        text.Append("      driver: awslogs\n");
        text.Append("      options:\n");
        text.Append(CultureInfo.InvariantCulture, $"        awslogs-region: {Value(aws.Region)}\n");
        text.Append(CultureInfo.InvariantCulture, $"        awslogs-group: {Value(Naming.ResourceNames.HostLogGroup(spec))}\n");
        text.Append(CultureInfo.InvariantCulture, $"        awslogs-stream: {Value(LogStreams[service])}\n");
        text.Append("        mode: \"non-blocking\"\n");
        text.Append("        max-buffer-size: \"4m\"\n");
    }

    /// <summary>
    /// The metrics relay (<see cref="Ops.MetricsRelay"/>): the backend image's Node, running the script of the host
    /// tooling (<see cref="HostLayout.MetricsRelayScriptPath"/>) on the backend network, reading the
    /// backend's /metrics at its fixed address and published on the host's loopback only, where the CloudWatch agent
    /// scrapes. Caddy never routes to it.
    /// </summary>
    private static void AppendMetricsRelay(StringBuilder text, DeploymentSpec spec, AwsRuntimeValues aws)
    {
        var port = HostLayout.MetricsRelayPort.ToString(CultureInfo.InvariantCulture);
        text.Append(CultureInfo.InvariantCulture, $"  {Ops.MetricsRelay.ContainerName}:\n");
        text.Append(CultureInfo.InvariantCulture, $"    image: {Value(spec.BackendImage)}\n");
        text.Append("    restart: always\n");
        // The script is host tooling (it would not fit the release parameter); the container reads it read-only.
        text.Append("    entrypoint:\n");
        text.Append("      - node\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value(Ops.MetricsRelay.ContainerScriptPath)}\n");
        text.Append("    volumes:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value($"{HostLayout.MetricsRelayScriptPath}:{Ops.MetricsRelay.ContainerScriptPath}:ro")}\n");
        text.Append("    environment:\n");
        foreach (var (name, value) in Ops.MetricsRelay.Environment($"{ContainerNetworks.BackendAddress}:{HostLayout.BackendPort}", "0.0.0.0"))
        {
            text.Append(CultureInfo.InvariantCulture, $"      {name}: {Value(value)}\n");
        }

        text.Append("    ports:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {Value($"127.0.0.1:{port}:{port}")}\n");
        text.Append("    networks:\n");
        text.Append(CultureInfo.InvariantCulture, $"      - {ContainerNetworks.Backend}\n");
        AppendLogging(text, spec, aws, Ops.MetricsRelay.ContainerName);
    }

    /// <summary>Compose interpolates '$' in values; '$$' is a literal dollar.</summary>
    private static string Value(string value) => Quote(value.Replace("$", "$$", StringComparison.Ordinal));
}
