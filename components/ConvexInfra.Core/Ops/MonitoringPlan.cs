using System.Globalization;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// The alarms a stack gets, as data. Thresholds are chosen to page only on conditions that need a human:
/// sustained, not momentary. Components only wire these to CloudWatch.
/// </summary>
public static class MonitoringPlan
{
    public const string CompareGreaterOrEqual = "GreaterThanOrEqualToThreshold";
    public const string CompareGreater = "GreaterThanThreshold";
    public const string CompareLess = "LessThanThreshold";

    /// <summary>Free storage below this share of the allocated size alarms (autoscaling triggers at 10%).</summary>
    public const double FreeStorageShare = 0.10;

    /// <summary>Freeable memory below this share of the instance class's memory alarms.</summary>
    public const double FreeMemoryShare = 0.10;

    public static IReadOnlyList<AlarmDefinition> Alarms(MonitoringInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.HasDatabase && (inputs.DatabaseAllocatedStorageGb <= 0 || inputs.DatabaseMemoryMb is <= 0))
        {
            throw new ArgumentException(
                $"MonitoringInputs: got DatabaseAllocatedStorageGb={inputs.DatabaseAllocatedStorageGb}, DatabaseMemoryMb={inputs.DatabaseMemoryMb}; " +
                "expected storage > 0 and memory > 0 (or null when unknown) when HasDatabase. Example: 100 GiB and 4096 MiB for db.t4g.medium.",
                nameof(inputs));
        }

        var alarms = new List<AlarmDefinition>();
        if (inputs.HasEc2Instance)
        {
            alarms.Add(new("host-system-check", AlarmSubject.Ec2Instance, "AWS/EC2", "StatusCheckFailed_System", "Maximum", 60, 2, 1, CompareGreaterOrEqual, "missing",
                "EC2 system status check failed for 2 minutes; AWS recovers the instance onto healthy hardware (same id, IP and volumes).", RecoverInstance: true));
            alarms.Add(new("host-instance-check", AlarmSubject.Ec2Instance, "AWS/EC2", "StatusCheckFailed_Instance", "Maximum", 60, 3, 1, CompareGreaterOrEqual, "missing",
                "EC2 instance status check failed for 3 minutes (kernel, disk full, memory exhaustion): reboot it through the console or SSM."));
            alarms.Add(new("host-cpu", AlarmSubject.Ec2Instance, "AWS/EC2", "CPUUtilization", "Average", 300, 3, 90, CompareGreaterOrEqual, "missing",
                "Host CPU at or above 90% for 15 minutes: resize instanceType."));
            alarms.Add(new("host-release", AlarmSubject.HostRelease, Rendering.HostStatus.MetricNamespace, Rendering.HostStatus.MetricName, "Maximum", 60, 1, 1, CompareGreaterOrEqual, "notBreaching",
                "The host reported a release as failed or rolled-back: read the reason in the host-status parameter (docs/ops.md)."));
        }

        if (inputs.HasDatabase)
        {
            var freeBytes = inputs.DatabaseAllocatedStorageGb * FreeStorageShare * 1024 * 1024 * 1024;
            alarms.Add(new("database-cpu", AlarmSubject.Database, "AWS/RDS", "CPUUtilization", "Average", 300, 3, 80, CompareGreaterOrEqual, "missing",
                "RDS CPU at or above 80% for 15 minutes: resize dbInstanceClass."));
            alarms.Add(new("database-free-storage", AlarmSubject.Database, "AWS/RDS", "FreeStorageSpace", "Minimum", 300, 2, Math.Round(freeBytes), CompareLess, "missing",
                $"RDS free storage below {Percent(FreeStorageShare)} of the allocated {inputs.DatabaseAllocatedStorageGb} GiB: check autoscaling and dbMaxAllocatedStorageGb."));
            if (inputs.DatabaseMemoryMb is { } memoryMb)
            {
                alarms.Add(new("database-freeable-memory", AlarmSubject.Database, "AWS/RDS", "FreeableMemory", "Average", 300, 3, Math.Round(memoryMb * FreeMemoryShare * 1024 * 1024), CompareLess, "missing",
                    $"RDS freeable memory below {Percent(FreeMemoryShare)} of {memoryMb} MiB for 15 minutes: resize dbInstanceClass."));
            }
        }

        if (inputs.HasApiHealthCheck)
        {
            alarms.Add(new("api-health", AlarmSubject.ApiHealthCheck, "AWS/Route53", "HealthCheckStatus", "Minimum", 60, 3, 1, CompareLess, "breaching",
                "https://api.<domain>/version failed from Route 53's checkers for 3 minutes: the backend is down or unreachable."));
        }

        if (inputs.HasLoadBalancerTargets)
        {
            alarms.Add(new("api-healthy-targets", AlarmSubject.LoadBalancerTargets, "AWS/ApplicationELB", "HealthyHostCount", "Minimum", 60, 3, 1, CompareLess, "breaching",
                "No healthy backend behind the load balancer (/version) for 3 minutes."));
            alarms.Add(new("api-target-5xx", AlarmSubject.LoadBalancerTargets, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "Sum", 300, 2, TargetErrorsPer5Minutes, CompareGreaterOrEqual, "notBreaching",
                $"The backend answered {TargetErrorsPer5Minutes} or more 5xx responses in each of two 5-minute periods: read the backend logs (convex-infra logs)."));
            alarms.Add(new("api-lb-5xx", AlarmSubject.LoadBalancer, "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "Sum", 300, 2, TargetErrorsPer5Minutes, CompareGreaterOrEqual, "notBreaching",
                $"The load balancer itself answered {TargetErrorsPer5Minutes} or more 5xx (502/503/504: no healthy target, a target reset or timed out) in each of two 5-minute periods."));
        }

        alarms.AddRange(ApplicationAlarms(inputs));
        return alarms;
    }

    /// <summary>System errors of functions in a 5-minute period that, twice in a row, page (user-code errors are not counted).</summary>
    public const double FunctionErrorsPer5Minutes = 5;

    /// <summary>5xx responses in a 5-minute period that, twice in a row, page.</summary>
    public const double TargetErrorsPer5Minutes = 10;

    /// <summary>The oldest runnable scheduled job this many seconds late, for 15 minutes, pages.</summary>
    public const double SchedulerBacklogSeconds = 300;

    private static IEnumerable<AlarmDefinition> ApplicationAlarms(MonitoringInputs inputs)
    {
        if (inputs.AppNamespace is not { } ns || inputs.AppMetrics is not { Count: > 0 } metrics)
        {
            yield break;
        }

        if (metrics.FirstOrDefault(m => m.Key == AppMetrics.FunctionErrors) is { } errors)
        {
            yield return new("app-function-errors", AlarmSubject.Application, ns, errors.Series, "Sum", 300, 2, FunctionErrorsPer5Minutes, CompareGreaterOrEqual, "notBreaching",
                $"Functions failed with a system error (not a thrown user error) {FunctionErrorsPer5Minutes} or more times in each of two 5-minute periods: read the backend logs.",
                FixedDimensions: Dimensions(errors));
        }

        if (metrics.FirstOrDefault(m => m.Key == AppMetrics.SchedulerBacklog) is { } backlog)
        {
            yield return new("app-scheduler-backlog", AlarmSubject.Application, ns, backlog.Series, "Maximum", 300, 3, SchedulerBacklogSeconds, CompareGreaterOrEqual, "missing",
                $"The oldest runnable scheduled job has waited {SchedulerBacklogSeconds} s or more for 15 minutes: the scheduler is stalled or saturated (raise the action concurrency, docs/ops.md).",
                FixedDimensions: Dimensions(backlog));
        }
    }

    /// <summary>The constant dimension values of an application metric, as the agent's configuration produces them.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Dimensions(AppMetric metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return metric.StatusIs is { } status
            ? [new(AppMetrics.JobLabel, AppMetrics.Job), new(AppMetrics.StatusLabel, status)]
            : [new(AppMetrics.JobLabel, AppMetrics.Job)];
    }

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";
}
