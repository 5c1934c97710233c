using System.Text;
using System.Text.Json;

namespace ConvexInfra.Core.Ops;

/// <summary>The resolved identifiers a dashboard shows; null for what the stack does not have.</summary>
public sealed record DashboardTargets(
    string Region,
    string? Ec2InstanceId,
    string? DatabaseIdentifier,
    string? HealthCheckId,
    string? TargetGroupSuffix,
    string? LoadBalancerSuffix,
    string? EcsClusterName,
    string? EcsServiceName);

/// <summary>
/// CloudWatch dashboard body JSON (the documented widget schema: type metric, x/y/width/height, properties with
/// metrics arrays, region, title, period, stat). One row of two 12-wide widgets per concern.
/// </summary>
public static class DashboardBody
{
    public const int Width = 12;
    public const int Height = 6;

    public static string Render(DashboardTargets targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var widgets = Widgets(targets);
        if (widgets.Count == 0)
        {
            throw new ArgumentException("DashboardTargets: got nothing to show; expected at least one of Ec2InstanceId, DatabaseIdentifier, HealthCheckId, the load balancer or the ECS service.", nameof(targets));
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("widgets");
            for (var i = 0; i < widgets.Count; i++)
            {
                WriteWidget(json, widgets[i], x: i % 2 * Width, y: i / 2 * Height);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private sealed record Metric(string Namespace, string Name, IReadOnlyList<(string Name, string Value)> Dimensions);

    private sealed record Widget(string Title, string Region, string Stat, IReadOnlyList<Metric> Metrics);

    private static List<Widget> Widgets(DashboardTargets t)
    {
        var widgets = new List<Widget>();
        if (t.HealthCheckId is { } check)
        {
            // Route 53 health-check metrics exist only in us-east-1.
            widgets.Add(new("API /version health (1 = healthy)", "us-east-1", "Minimum", [new("AWS/Route53", "HealthCheckStatus", [("HealthCheckId", check)])]));
        }

        if (t.TargetGroupSuffix is { } group && t.LoadBalancerSuffix is { } lb)
        {
            var dims = new List<(string, string)> { ("TargetGroup", group), ("LoadBalancer", lb) };
            widgets.Add(new("Healthy backends behind the load balancer", t.Region, "Minimum",
                [new("AWS/ApplicationELB", "HealthyHostCount", dims), new("AWS/ApplicationELB", "UnHealthyHostCount", dims)]));
            widgets.Add(new("Load balancer 5xx and latency", t.Region, "Sum",
                [new("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims), new("AWS/ApplicationELB", "TargetResponseTime", dims)]));
        }

        if (t.Ec2InstanceId is { } instance)
        {
            var dims = new List<(string, string)> { ("InstanceId", instance) };
            widgets.Add(new("Host CPU %", t.Region, "Average", [new("AWS/EC2", "CPUUtilization", dims)]));
            widgets.Add(new("Host status checks", t.Region, "Maximum",
                [new("AWS/EC2", "StatusCheckFailed_System", dims), new("AWS/EC2", "StatusCheckFailed_Instance", dims)]));
        }

        if (t.EcsClusterName is { } cluster && t.EcsServiceName is { } service)
        {
            var dims = new List<(string, string)> { ("ClusterName", cluster), ("ServiceName", service) };
            widgets.Add(new("Backend task CPU and memory %", t.Region, "Average",
                [new("AWS/ECS", "CPUUtilization", dims), new("AWS/ECS", "MemoryUtilization", dims)]));
        }

        if (t.DatabaseIdentifier is { } db)
        {
            var dims = new List<(string, string)> { ("DBInstanceIdentifier", db) };
            widgets.Add(new("Database CPU % and connections", t.Region, "Average",
                [new("AWS/RDS", "CPUUtilization", dims), new("AWS/RDS", "DatabaseConnections", dims)]));
            widgets.Add(new("Database free storage and freeable memory (bytes)", t.Region, "Minimum",
                [new("AWS/RDS", "FreeStorageSpace", dims), new("AWS/RDS", "FreeableMemory", dims)]));
        }

        return widgets;
    }

    private static void WriteWidget(Utf8JsonWriter json, Widget widget, int x, int y)
    {
        json.WriteStartObject();
        json.WriteString("type", "metric");
        json.WriteNumber("x", x);
        json.WriteNumber("y", y);
        json.WriteNumber("width", Width);
        json.WriteNumber("height", Height);
        json.WriteStartObject("properties");
        json.WriteString("title", widget.Title);
        json.WriteString("region", widget.Region);
        json.WriteString("view", "timeSeries");
        json.WriteString("stat", widget.Stat);
        json.WriteNumber("period", 300);
        json.WriteStartArray("metrics");
        foreach (var metric in widget.Metrics)
        {
            json.WriteStartArray();
            json.WriteStringValue(metric.Namespace);
            json.WriteStringValue(metric.Name);
            foreach (var (name, value) in metric.Dimensions)
            {
                json.WriteStringValue(name);
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
