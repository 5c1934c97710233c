using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// One CloudWatch metric taken from the backend's Prometheus endpoint: a Prometheus series (named as the backend names
/// it, fact <see cref="FactId"/> in convex-facts.json) extracted into the stack's namespace with the dimensions given.
/// <see cref="StatusIs"/> keeps only the series whose <c>status</c> label has that value (the error count).
/// </summary>
public sealed record AppMetric(
    string Key,
    string FactId,
    string Series,
    string Unit,
    string Title,
    bool Alarmed,
    string? StatusIs = null)
{
    /// <summary>The dimension set of the extracted metric: the scrape job, plus <c>status</c> for a status-filtered series.</summary>
    public IReadOnlyList<string> Dimensions => StatusIs is null ? [AppMetrics.JobLabel] : [AppMetrics.JobLabel, AppMetrics.StatusLabel];
}

/// <summary>
/// The small set of backend metrics a stack sends to CloudWatch, as data: function errors and latency, scheduled-job
/// backlog, sync sessions and DB query time. Every series is dimensioned by the scrape job only (a constant), so each
/// costs exactly one custom metric whatever the backend's label values; dev keeps only the two that alarms watch.
/// </summary>
public static class AppMetrics
{
    /// <summary>The Prometheus job name; the agent adds it as the <c>job</c> label, the one dimension every metric has.</summary>
    public const string Job = "convex-backend";

    public const string JobLabel = "job";
    public const string StatusLabel = "status";

    /// <summary>Where the agent scrapes: the metrics relay (<see cref="MetricsRelay"/>) on the host's loopback on EC2, the task's on ECS (awsvpc).</summary>
    public static string Target { get; } = $"127.0.0.1:{Rendering.HostLayout.MetricsRelayPort}";

    public const string MetricsPath = "/metrics";

    /// <summary>How often the agent scrapes; standard resolution, one data point a minute.</summary>
    public const int ScrapeIntervalSeconds = 60;

    public const string FunctionErrors = "function-errors";
    public const string SchedulerBacklog = "scheduler-backlog";

    public static IReadOnlyList<AppMetric> All { get; } =
    [
        new(FunctionErrors, "metric-function-runner-total-seconds", "application_function_runner_total_seconds_count", "Count",
            "Function system errors", Alarmed: true, StatusIs: "error"),
        new(SchedulerBacklog, "metric-scheduled-job-backlog-seconds", "scheduled_job_backlog_seconds", "Seconds",
            "Scheduled-job backlog (age of the oldest runnable job)", Alarmed: true),
        new("function-calls", "metric-function-runner-total-seconds", "application_function_runner_total_seconds_count", "Count",
            "Function calls", Alarmed: false),
        new("function-seconds", "metric-function-runner-total-seconds", "application_function_runner_total_seconds_sum", "Seconds",
            "Function time (sum)", Alarmed: false),
        new("sync-sessions", "metric-sync-protocol-websockets-total", "sync_protocol_websockets_total", "Count",
            "Open sync sessions (WebSockets)", Alarmed: false),
        new("db-query-seconds", "metric-postgres-query-index-sql-execute-seconds", "postgres_query_index_sql_execute_seconds_sum", "Seconds",
            "DB index query time (sum)", Alarmed: false),
        new("db-queries", "metric-postgres-query-index-sql-execute-seconds", "postgres_query_index_sql_execute_seconds_count", "Count",
            "DB index queries", Alarmed: false),
    ];

    /// <summary>
    /// What the stack sends: every metric, except on dev, which keeps only the alarmed ones (latency, sessions and DB
    /// time are for sizing staging and prod; each further metric costs a custom metric a month).
    /// </summary>
    public static IReadOnlyList<AppMetric> For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Tier == Tier.Dev ? [.. All.Where(m => m.Alarmed)] : All;
    }

    public static AppMetric Get(string key) =>
        All.SingleOrDefault(m => m.Key == key) ?? throw new ArgumentException($"no application metric '{key}'", nameof(key));

    /// <summary>The stack's own namespace, so two stacks in one account never mix their metrics: <c>ConvexInfra/&lt;stack&gt;-&lt;instance&gt;</c>.</summary>
    public static string Namespace(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"ConvexInfra/{ResourceNames.ResourcePrefix(spec)}";
    }

    /// <summary>The log group the agent writes its embedded-metric-format events to (CloudWatch extracts the metrics from them).</summary>
    public static string LogGroup(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{ResourceNames.ParameterPrefix(spec)}/metrics";
    }

    /// <summary>The distinct Prometheus series the scrape keeps (everything else is dropped before it leaves the host).</summary>
    public static IReadOnlyList<string> Series(DeploymentSpec spec) =>
        [.. For(spec).Select(m => m.Series).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
