using System.Text.Json;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The backend task's metrics sidecars, none of them essential (a failure never stops the backend):
/// <list type="bullet">
/// <item><c>metrics-relay</c>: the backend image's Node running <see cref="MetricsRelay"/> on the task's localhost.</item>
/// <item><c>cloudwatch-agent-config</c>: Caddy's image (it has a shell; the agent's image has none) writes the Prometheus
/// scrape file to the task volume <see cref="ConfigVolume"/> and exits.</item>
/// <item><c>cloudwatch-agent</c>: the CloudWatch agent with its JSON from <c>CW_CONFIG_CONTENT</c>, reading the scrape
/// file from the volume once it is written, with the task role's right to the metrics log group.</item>
/// </list>
/// </summary>
public static class EcsMetricsContainers
{
    public const string Relay = MetricsRelay.ContainerName;
    public const string ConfigWriter = "cloudwatch-agent-config";
    public const string Agent = "cloudwatch-agent";

    /// <summary>The task volume (no host path: Fargate task storage) that carries the scrape file to the agent.</summary>
    public const string ConfigVolume = "cloudwatch-agent-config";

    public const string ConfigDirectory = "/etc/cwagent";

    public const string PrometheusConfigPath = ConfigDirectory + "/prometheus.yaml";

    /// <summary>
    /// The CloudWatch agent's public image. Pinned by its version tag only: its multi-architecture index digest could not
    /// be read offline (the task runs on ARM64, so an -amd64 digest would not do); pin the digest before relying on it.
    /// </summary>
    public const string AgentImage = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300071.0b1720";

    /// <summary>The variable holding the scrape file for the config writer.</summary>
    public const string PrometheusConfigVariable = "PROMETHEUS_CONFIG";

    public const string ConfigWriterCommand =
        "printf '%s' \"$PROMETHEUS_CONFIG\" > " + PrometheusConfigPath;

    internal static void Write(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        WriteRelay(json, spec, region, logGroupName);
        WriteConfigWriter(json, spec, region, logGroupName);
        WriteAgent(json, spec, region, logGroupName);
    }

    private static void WriteRelay(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        json.WriteStartObject();
        json.WriteString("name", Relay);
        json.WriteString("image", spec.BackendImage);
        json.WriteBoolean("essential", false);
        RestartInPlace(json);
        EcsContainerDefinitions.WriteStrings(json, "entryPoint", MetricsRelay.EntryPoint);
        EcsContainerDefinitions.WriteEnvironment(json,
            [.. MetricsRelay.Environment($"127.0.0.1:{EcsContainers.ApiPort}", "127.0.0.1").Select(p => new EnvVar(p.Key, p.Value))]);
        DependsOn(json, (EcsContainers.Backend, "START"));
        EcsContainerDefinitions.WriteLogs(json, region, logGroupName, Relay);
        json.WriteEndObject();
    }

    private static void WriteConfigWriter(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        json.WriteStartObject();
        json.WriteString("name", ConfigWriter);
        json.WriteString("image", Rendering.HostLayout.CaddyImage);
        json.WriteBoolean("essential", false);
        EcsContainerDefinitions.WriteStrings(json, "command", ["sh", "-c", ConfigWriterCommand]);
        EcsContainerDefinitions.WriteEnvironment(json, [new EnvVar(PrometheusConfigVariable, CloudWatchAgentConfig.PrometheusYaml(spec))]);
        Mount(json, readOnly: false);
        EcsContainerDefinitions.WriteLogs(json, region, logGroupName, ConfigWriter);
        json.WriteEndObject();
    }

    private static void WriteAgent(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        json.WriteStartObject();
        json.WriteString("name", Agent);
        json.WriteString("image", AgentImage);
        json.WriteBoolean("essential", false);
        RestartInPlace(json);
        EcsContainerDefinitions.WriteEnvironment(json, [new EnvVar("CW_CONFIG_CONTENT", CloudWatchAgentConfig.AgentJson(spec, PrometheusConfigPath))]);
        Mount(json, readOnly: true);
        DependsOn(json, (ConfigWriter, "SUCCESS"), (Relay, "START"));
        EcsContainerDefinitions.WriteLogs(json, region, logGroupName, Agent);
        json.WriteEndObject();
    }

    private static void RestartInPlace(Utf8JsonWriter json)
    {
        json.WriteStartObject("restartPolicy");
        json.WriteBoolean("enabled", true);
        json.WriteEndObject();
    }

    private static void Mount(Utf8JsonWriter json, bool readOnly)
    {
        json.WriteStartArray("mountPoints");
        json.WriteStartObject();
        json.WriteString("sourceVolume", ConfigVolume);
        json.WriteString("containerPath", ConfigDirectory);
        json.WriteBoolean("readOnly", readOnly);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void DependsOn(Utf8JsonWriter json, params (string Container, string Condition)[] dependencies)
    {
        json.WriteStartArray("dependsOn");
        foreach (var (container, condition) in dependencies)
        {
            json.WriteStartObject();
            json.WriteString("containerName", container);
            json.WriteString("condition", condition);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
