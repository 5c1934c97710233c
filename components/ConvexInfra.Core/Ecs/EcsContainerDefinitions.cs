using System.Text;
using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The <c>containerDefinitions</c> JSON of the two tasks, as ECS's RegisterTaskDefinition expects it (camelCase keys):
/// the Convex task (backend, proxy and the metrics sidecars of <see cref="EcsMetricsContainers"/>, <see cref="Render"/>) and the dashboard's own task (<see cref="RenderDashboard"/>),
/// which shares neither the backend's localhost nor its task role. Secrets appear only as <c>{name, valueFrom}</c> with
/// the SSM parameter ARN; ECS fetches them through the execution role when the task starts, so no secret value is ever
/// in the task definition.
/// </summary>
public static class EcsContainerDefinitions
{
    /// <summary>The docker label that carries the database address parameter's version (restores only, see below).</summary>
    public const string DatabaseHostVersionLabel = "convex-infra.db-host-version";

    /// <param name="secretVersions">
    /// The SSM versions of the injected secret parameters (the instance secret and the database credentials), as a
    /// docker label on the backend: ECS only sees a new value through a new task definition, so a changed secret must
    /// change it to start a new task. Null (the offline plan, which cannot know them) leaves the label out.
    /// </param>
    /// <param name="databaseHostVersion">
    /// The database address parameter's version, only while the stack restores into a new instance
    /// (<c>dbRestoreTime</c>/<c>dbRestoreSnapshot</c>): the task definition then waits for the restored instance's address
    /// and changes with it, so the service starts a task on the restored database. Otherwise null: the task starts
    /// without waiting for RDS and reads the address at run time.
    /// </param>
    public static string Render(
        DeploymentSpec spec,
        AwsAccountContext account,
        AwsRuntimeValues aws,
        string logGroupName,
        SecretParameterVersions? secretVersions = null,
        int? databaseHostVersion = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(aws);
        if (spec.Target != DeploymentTarget.AwsEcs)
        {
            throw new ArgumentException(
                $"target: got '{spec.Target.ConfigName()}'; the task definition is for aws-ecs stacks", nameof(spec));
        }

        if (string.IsNullOrWhiteSpace(logGroupName) || logGroupName.Length > 512)
        {
            throw new ArgumentException(
                $"logGroupName: got '{logGroupName}'; expected a CloudWatch log group name. Example: /convex-infra/prod/ecs", nameof(logGroupName));
        }

        var backend = ConvexEnvironment.Backend(spec, aws);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            WriteBackend(json, spec, account, aws, backend, logGroupName, secretVersions, databaseHostVersion);
            WriteProxy(json, spec, aws.Region, logGroupName);
            EcsMetricsContainers.Write(json, spec, aws.Region, logGroupName);
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>The dashboard task's one container: no secret, no task role, nothing of the backend's task.</summary>
    public static string RenderDashboard(DeploymentSpec spec, string region, string logGroupName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DeploymentTarget.AwsEcs)
        {
            throw new ArgumentException(
                $"target: got '{spec.Target.ConfigName()}'; the dashboard task definition is for aws-ecs stacks", nameof(spec));
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            WriteDashboard(json, spec, region, logGroupName);
            json.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteBackend(
        Utf8JsonWriter json,
        DeploymentSpec spec,
        AwsAccountContext account,
        AwsRuntimeValues aws,
        ContainerEnvironment env,
        string logGroupName,
        SecretParameterVersions? secretVersions,
        int? databaseHostVersion)
    {
        json.WriteStartObject();
        json.WriteString("name", EcsContainers.Backend);
        json.WriteString("image", spec.BackendImage);
        json.WriteBoolean("essential", true);
        WriteStrings(json, "entryPoint", BackendEntrypoint.EntryPoint);
        WritePorts(json, EcsContainers.ApiPort, EcsContainers.SitePort);
        // POSTGRES_URL is not injected: the entrypoint builds it from the credentials and the address it waits for.
        WriteEnvironment(json, [.. env.Plain, .. DatabaseWait(spec, aws)]);

        json.WriteStartArray("secrets");
        foreach (var secret in env.Secrets)
        {
            var (name, parameter) = secret.Kind switch
            {
                SecretKind.InstanceSecret => (secret.Name, aws.Parameters.InstanceSecret),
                SecretKind.PostgresUrl => (BackendEntrypoint.DatabaseCredentialsVariable, ResourceNames.DatabaseCredentialsParameter(spec)),
                _ => throw new InvalidOperationException($"secret {secret.Name}: no SSM parameter for kind {secret.Kind}"),
            };
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("valueFrom", AwsArns.Parameter(account, parameter));
            json.WriteEndObject();
        }

        json.WriteEndArray();

        if (secretVersions is not null || databaseHostVersion is not null)
        {
            json.WriteStartObject("dockerLabels");
            if (secretVersions is not null)
            {
                json.WriteString(SecretParameterVersions.DockerLabel, secretVersions.Label);
            }

            if (databaseHostVersion is { } hostVersion)
            {
                json.WriteString(DatabaseHostVersionLabel, hostVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
        }

        json.WriteStartObject("healthCheck");
        WriteStrings(json, "command", ["CMD-SHELL", $"curl -fsS http://127.0.0.1:{EcsContainers.ApiPort}/version || exit 1"]);
        json.WriteNumber("interval", EcsDeploymentSettings.HealthCheckIntervalSeconds);
        json.WriteNumber("timeout", EcsDeploymentSettings.HealthCheckTimeoutSeconds);
        json.WriteNumber("retries", EcsDeploymentSettings.HealthCheckRetries);
        json.WriteNumber("startPeriod", EcsDeploymentSettings.HealthCheckStartPeriodSeconds);
        json.WriteEndObject();

        json.WriteNumber("stopTimeout", EcsDeploymentSettings.StopTimeoutSeconds);
        WriteUlimits(json);
        WriteLogs(json, aws.Region, logGroupName, EcsContainers.Backend);
        json.WriteEndObject();
    }

    /// <summary>What the entrypoint needs to wait for the database address (none of it secret).</summary>
    private static IEnumerable<EnvVar> DatabaseWait(DeploymentSpec spec, AwsRuntimeValues aws)
    {
        // AWS targets always run RDS PostgreSQL (the settings refuse sqlite there).
        yield return new EnvVar(BackendEntrypoint.DatabaseHostParameterVariable, ResourceNames.DatabaseHostParameter(spec));
        yield return new EnvVar(BackendEntrypoint.DatabasePortVariable, aws.DatabasePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        yield return new EnvVar(AwsRequestScript.Variable, AwsRequestScript.Text);
    }

    private static void WriteDashboard(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        json.WriteStartObject();
        json.WriteString("name", EcsContainers.Dashboard);
        json.WriteString("image", spec.DashboardImage);
        // The task's only container: if it exits, ECS replaces the task; the backend's task is not affected.
        json.WriteBoolean("essential", true);
        WritePorts(json, EcsContainers.DashboardPort);
        WriteEnvironment(json, ConvexEnvironment.Dashboard(spec));
        json.WriteNumber("stopTimeout", EcsDeploymentSettings.DashboardStopTimeoutSeconds);
        WriteLogs(json, region, logGroupName, EcsContainers.Dashboard);
        json.WriteEndObject();
    }

    /// <summary>
    /// Caddy for the site hostname (<see cref="SiteProxyCaddyfile"/>). The config travels in an environment variable and
    /// is written to a file at start. Not essential and restarted in place by ECS, like the dashboard: a Caddy crash
    /// never stops the backend.
    /// </summary>
    private static void WriteProxy(Utf8JsonWriter json, DeploymentSpec spec, string region, string logGroupName)
    {
        json.WriteStartObject();
        json.WriteString("name", EcsContainers.Proxy);
        json.WriteString("image", Rendering.HostLayout.CaddyImage);
        json.WriteBoolean("essential", false);
        json.WriteStartObject("restartPolicy");
        json.WriteBoolean("enabled", true);
        json.WriteEndObject();
        WriteStrings(json, "command", ["sh", "-c", ProxyCommand]);
        WritePorts(json, EcsContainers.SiteProxyPort, EcsContainers.ProxyHealthPort);
        WriteEnvironment(json, [new EnvVar(ProxyConfigVariable, SiteProxyCaddyfile.Render(spec))]);
        json.WriteStartArray("dependsOn");
        json.WriteStartObject();
        json.WriteString("containerName", EcsContainers.Backend);
        json.WriteString("condition", "START");
        json.WriteEndObject();
        json.WriteEndArray();
        WriteLogs(json, region, logGroupName, EcsContainers.Proxy);
        json.WriteEndObject();
    }

    /// <summary>The variable holding the proxy's Caddyfile.</summary>
    public const string ProxyConfigVariable = "CADDYFILE";

    /// <summary>Writes the Caddyfile from <see cref="ProxyConfigVariable"/> and runs Caddy in the foreground.</summary>
    public const string ProxyCommand =
        "printf '%s' \"$CADDYFILE\" > /tmp/Caddyfile && exec caddy run --config /tmp/Caddyfile --adapter caddyfile";

    internal static void WritePorts(Utf8JsonWriter json, params int[] ports)
    {
        json.WriteStartArray("portMappings");
        foreach (var port in ports)
        {
            json.WriteStartObject();
            json.WriteNumber("containerPort", port);
            json.WriteNumber("hostPort", port);
            json.WriteString("protocol", "tcp");
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    internal static void WriteEnvironment(Utf8JsonWriter json, IReadOnlyList<EnvVar> variables)
    {
        json.WriteStartArray("environment");
        foreach (var variable in variables)
        {
            json.WriteStartObject();
            json.WriteString("name", variable.Name);
            json.WriteString("value", variable.Value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Every websocket client holds a socket; Fargate's default soft limit of 1024 is too low for a busy deployment.</summary>
    private static void WriteUlimits(Utf8JsonWriter json)
    {
        json.WriteStartArray("ulimits");
        json.WriteStartObject();
        json.WriteString("name", "nofile");
        json.WriteNumber("softLimit", 65535);
        json.WriteNumber("hardLimit", 65535);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    internal static void WriteLogs(Utf8JsonWriter json, string region, string logGroupName, string streamPrefix)
    {
        json.WriteStartObject("logConfiguration");
        json.WriteString("logDriver", "awslogs");
        json.WriteStartObject("options");
        json.WriteString("awslogs-group", logGroupName);
        json.WriteString("awslogs-region", region);
        json.WriteString("awslogs-stream-prefix", streamPrefix);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    internal static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
