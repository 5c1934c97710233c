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
    string? EcsServiceName,
    string? AppNamespace = null,
    IReadOnlyList<AppMetric>? AppMetrics = null);

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
            throw new ArgumentException("DashboardTargets: got nothing to show; expected at least one of Ec2InstanceId, DatabaseIdentifier, HealthCheckId, the load balancer, the ECS service or application metrics.", nameof(targets));
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

    /// <summary>A metric line; with <see cref="Id"/> it can feed an expression, and <see cref="Visible"/> false hides it.</summary>
    private sealed record Metric(string Namespace, string Name, IReadOnlyList<(string Name, string Value)> Dimensions, string? Id = null, bool Visible = true, string? Label = null);

    /// <summary>A metric-math line of a widget (e.g. <c>m2/m1</c>), drawn with its label.</summary>
    private sealed record Expression(string Id, string Math, string Label);

    private sealed record Widget(string Title, string Region, string Stat, IReadOnlyList<Metric> Metrics, IReadOnlyList<Expression>? Expressions = null);

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

        widgets.AddRange(ApplicationWidgets(t));

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

    /// <summary>
    /// The backend's own metrics (<see cref="Ops.AppMetrics"/>): calls and system errors, the scheduled-job backlog and
    /// sync sessions, and mean function and DB query time as sum ÷ count (the agent sends deltas, so Sum per period).
    /// </summary>
    private static IEnumerable<Widget> ApplicationWidgets(DashboardTargets t)
    {
        if (t.AppNamespace is not { } ns || t.AppMetrics is not { Count: > 0 } metrics)
        {
            yield break;
        }

        Metric Line(AppMetric m, string? id = null, bool visible = true) =>
            new(ns, m.Series, [.. MonitoringPlan.Dimensions(m).Select(d => (d.Key, d.Value))], id, visible, m.Title);
        AppMetric? Find(string key) => metrics.FirstOrDefault(m => m.Key == key);

        var counts = new[] { Find("function-calls"), Find(Ops.AppMetrics.FunctionErrors) }.OfType<AppMetric>().Select(m => Line(m)).ToList();
        if (counts.Count > 0)
        {
            yield return new("Functions: calls and system errors (per 5 min)", t.Region, "Sum", counts);
        }

        var levels = new[] { Find(Ops.AppMetrics.SchedulerBacklog), Find("sync-sessions") }.OfType<AppMetric>().Select(m => Line(m)).ToList();
        if (levels.Count > 0)
        {
            yield return new("Scheduled-job backlog (s) and sync sessions", t.Region, "Maximum", levels);
        }

        if (Find("function-calls") is { } calls && Find("function-seconds") is { } seconds
            && Find("db-queries") is { } queries && Find("db-query-seconds") is { } querySeconds)
        {
            yield return new("Mean function and DB index query time (s)", t.Region, "Sum",
                [Line(calls, "calls", false), Line(seconds, "fnsec", false), Line(queries, "queries", false), Line(querySeconds, "dbsec", false)],
                [new("fnmean", "fnsec/calls", "function (wait + run)"), new("dbmean", "dbsec/queries", "DB index query")]);
        }
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

            if (metric.Id is not null || !metric.Visible || metric.Label is not null)
            {
                json.WriteStartObject();
                if (metric.Id is not null)
                {
                    json.WriteString("id", metric.Id);
                }

                if (!metric.Visible)
                {
                    json.WriteBoolean("visible", false);
                }

                if (metric.Label is not null)
                {
                    json.WriteString("label", metric.Label);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        foreach (var expression in widget.Expressions ?? [])
        {
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteString("expression", expression.Math);
            json.WriteString("label", expression.Label);
            json.WriteString("id", expression.Id);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
