namespace ConvexInfra.Core.Rendering;

/// <summary>
/// What the EC2 host reports after each release attempt, as JSON in the stack's status parameter
/// (<c>{release, revision, status, reason, time}</c>), and the metric the alarm watches. <c>release</c> is the sha256
/// of the release JSON the host read; <c>pulumi up</c> waits for the hash it just wrote.
/// </summary>
public static class HostStatus
{
    public const string Applied = "applied";
    public const string Failed = "failed";
    public const string RolledBack = "rolled-back";

    /// <summary>The host publishes 0 (applied) or 1 (failed, rolled back) per report; dimension <c>Stack</c>.</summary>
    public const string MetricNamespace = "ConvexInfra/Host";

    public const string MetricName = "ReleaseFailures";

    public const string MetricDimension = "Stack";
}
