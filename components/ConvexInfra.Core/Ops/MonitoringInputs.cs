namespace ConvexInfra.Core.Ops;

/// <summary>
/// Which monitored things a stack has; target-neutral so EC2 and ECS stacks share one plan. A null
/// <see cref="DatabaseMemoryMb"/> (instance class not in <see cref="DatabaseMemory"/>) leaves out the memory alarm.
/// <see cref="AppNamespace"/> and <see cref="AppMetrics"/>: the backend metrics the stack sends (none when null or empty).
/// </summary>
public sealed record MonitoringInputs(
    bool HasEc2Instance,
    bool HasDatabase,
    bool HasApiHealthCheck,
    bool HasLoadBalancerTargets,
    int DatabaseAllocatedStorageGb,
    int? DatabaseMemoryMb,
    string? AppNamespace = null,
    IReadOnlyList<AppMetric>? AppMetrics = null);
