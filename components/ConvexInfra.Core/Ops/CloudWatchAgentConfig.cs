using System.Globalization;
using System.Text;
using System.Text.Json;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// The CloudWatch agent's configuration for the backend's metrics, the same on the EC2 host and in the ECS sidecar.
/// The agent sends Prometheus metrics to CloudWatch only from <c>logs.metrics_collected.prometheus</c>: it writes
/// embedded-metric-format events to a log group and CloudWatch extracts the metrics named by the
/// <c>emf_processor</c>'s declarations (aws/amazon-cloudwatch-agent, cited in Data/cloudwatch-agent-schema.json).
/// The Prometheus scrape file keeps only the chosen series, so nothing else leaves the host.
/// </summary>
public static class CloudWatchAgentConfig
{
    /// <summary>Where the EC2 host keeps the two files (host tooling, <see cref="Rendering.HostLayout.CloudWatchAgentConfigPath"/>).</summary>
    public const string HostAgentConfigPath = Rendering.HostLayout.CloudWatchAgentConfigPath;

    public const string HostPrometheusConfigPath = Rendering.HostLayout.CloudWatchAgentPrometheusPath;

    /// <summary>The agent's JSON configuration; <paramref name="prometheusConfigPath"/> is where the scrape file lies.</summary>
    public static string AgentJson(DeploymentSpec spec, string prometheusConfigPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentException.ThrowIfNullOrEmpty(prometheusConfigPath);
        var region = spec.Region ?? throw new ArgumentException($"stack {spec.StackName} has no aws:region; the agent config is for AWS targets", nameof(spec));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("agent");
            json.WriteString("region", region);
            json.WriteEndObject();
            json.WriteStartObject("logs");
            json.WriteStartObject("metrics_collected");
            json.WriteStartObject("prometheus");
            json.WriteString("log_group_name", AppMetrics.LogGroup(spec));
            json.WriteString("prometheus_config_path", prometheusConfigPath);
            json.WriteStartObject("emf_processor");
            json.WriteString("metric_namespace", AppMetrics.Namespace(spec));
            json.WriteStartObject("metric_unit");
            foreach (var metric in AppMetrics.For(spec).DistinctBy(m => m.Series))
            {
                json.WriteString(metric.Series, metric.Unit);
            }

            json.WriteEndObject();
            json.WriteStartArray("metric_declaration");
            foreach (var metric in AppMetrics.For(spec))
            {
                WriteDeclaration(json, metric);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteNumber("force_flush_interval", AppMetrics.ScrapeIntervalSeconds);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>
    /// The Prometheus scrape file: one job on the backend's loopback port, every series but the chosen ones dropped
    /// (<c>metric_relabel_configs</c> keep on <c>__name__</c>).
    /// </summary>
    public static string PrometheusYaml(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        // One alternative a line: a backslash before a line break joins the lines of a double-quoted YAML scalar.
        var keep = string.Join("|\\\n                  ", AppMetrics.Series(spec));
        var interval = AppMetrics.ScrapeIntervalSeconds.ToString(CultureInfo.InvariantCulture);
        return $"""
            ---
            # Managed by convex-infra (stack {spec.StackName}): the backend's Prometheus metrics the CloudWatch agent sends.
            global:
              scrape_interval: {interval}s
              scrape_timeout: 10s
            scrape_configs:
              - job_name: {AppMetrics.Job}
                metrics_path: {AppMetrics.MetricsPath}
                static_configs:
                  - targets:
                      - "{AppMetrics.Target}"
                metric_relabel_configs:
                  - source_labels: [__name__]
                    regex: "{keep}"
                    action: keep

            """;
    }

    private static void WriteDeclaration(Utf8JsonWriter json, AppMetric metric)
    {
        json.WriteStartObject();
        json.WriteStartArray("source_labels");
        json.WriteStringValue(metric.StatusIs is null ? AppMetrics.JobLabel : AppMetrics.StatusLabel);
        json.WriteEndArray();
        json.WriteString("label_matcher", $"^{(metric.StatusIs ?? AppMetrics.Job)}$");
        json.WriteStartArray("dimensions");
        json.WriteStartArray();
        foreach (var dimension in metric.Dimensions)
        {
            json.WriteStringValue(dimension);
        }

        json.WriteEndArray();
        json.WriteEndArray();
        json.WriteStartArray("metric_selectors");
        json.WriteStringValue($"^{metric.Series}$");
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
