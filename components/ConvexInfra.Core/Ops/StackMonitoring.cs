using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>What the AWS targets monitor, derived from the spec: the inputs of <see cref="MonitoringPlan"/> and where alarm topics live.</summary>
public static class StackMonitoring
{
    /// <summary>Route 53 publishes health-check metrics only here, so the health-check alarm and its topic live here.</summary>
    public const string HealthCheckRegion = "us-east-1";

    /// <summary>
    /// EC2 stacks watch the host, the database and the API health check; ECS stacks the database, the health check and
    /// the load balancer (the stopped-task rule covers the service); both the backend's own metrics.
    /// </summary>
    public static MonitoringInputs Inputs(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new MonitoringInputs(
            HasEc2Instance: spec.Target == DeploymentTarget.AwsEc2,
            HasDatabase: spec.Database.Engine == DatabaseEngine.Postgres,
            HasApiHealthCheck: true,
            HasLoadBalancerTargets: spec.Target == DeploymentTarget.AwsEcs,
            spec.Database.AllocatedStorageGb,
            DatabaseMemory.MegabytesOf(spec.Database.InstanceClass),
            AppMetrics.Namespace(spec),
            AppMetrics.For(spec));
    }

    /// <summary>The stack's region, plus us-east-1 for the health-check alarm when the stack runs elsewhere.</summary>
    public static IReadOnlyList<string> TopicRegions(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var region = spec.Region ?? throw new ArgumentException($"stack {spec.StackName} has no aws:region", nameof(spec));
        return region == HealthCheckRegion ? [region] : [region, HealthCheckRegion];
    }
}
