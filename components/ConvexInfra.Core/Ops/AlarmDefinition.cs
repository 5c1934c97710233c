namespace ConvexInfra.Core.Ops;

/// <summary>What an alarm watches; the Pulumi layer fills in the dimension value it only knows after creation.</summary>
public enum AlarmSubject
{
    /// <summary>The EC2 host (dimension InstanceId).</summary>
    Ec2Instance,

    /// <summary>The RDS instance (dimension DBInstanceIdentifier).</summary>
    Database,

    /// <summary>The Route 53 health check on <c>https://api.&lt;domain&gt;/version</c> (dimension HealthCheckId, metrics in us-east-1).</summary>
    ApiHealthCheck,

    /// <summary>The ECS service's target group behind the load balancer (dimensions TargetGroup and LoadBalancer).</summary>
    LoadBalancerTargets,

    /// <summary>The EC2 host's release reports (metric ConvexInfra/Host ReleaseFailures, dimension Stack).</summary>
    HostRelease,

    /// <summary>A backend metric in the stack's namespace (<see cref="AppMetrics"/>); its dimensions are constants, in <see cref="AlarmDefinition.FixedDimensions"/>.</summary>
    Application,

    /// <summary>The ECS service's load balancer alone (dimension LoadBalancer).</summary>
    LoadBalancer,
}

/// <summary>
/// One CloudWatch metric alarm as data: everything except the dimension values. <see cref="RecoverInstance"/>
/// adds the EC2 <c>arn:aws:automate:&lt;region&gt;:ec2:recover</c> action next to the SNS topic.
/// </summary>
public sealed record AlarmDefinition(
    string Key,
    AlarmSubject Subject,
    string Namespace,
    string MetricName,
    string Statistic,
    int PeriodSeconds,
    int EvaluationPeriods,
    double Threshold,
    string ComparisonOperator,
    string TreatMissingData,
    string Description,
    bool RecoverInstance = false,
    IReadOnlyList<KeyValuePair<string, string>>? FixedDimensions = null)
{
    /// <summary>The dimension names CloudWatch expects for <see cref="Subject"/>.</summary>
    public IReadOnlyList<string> DimensionNames => Subject switch
    {
        AlarmSubject.Ec2Instance => ["InstanceId"],
        AlarmSubject.Database => ["DBInstanceIdentifier"],
        AlarmSubject.ApiHealthCheck => ["HealthCheckId"],
        AlarmSubject.LoadBalancerTargets => ["TargetGroup", "LoadBalancer"],
        AlarmSubject.HostRelease => [Rendering.HostStatus.MetricDimension],
        AlarmSubject.Application => [.. (FixedDimensions ?? []).Select(d => d.Key)],
        AlarmSubject.LoadBalancer => ["LoadBalancer"],
        _ => throw new ArgumentOutOfRangeException(nameof(Subject), Subject, "unknown alarm subject"),
    };

    /// <summary>Route 53 publishes health-check metrics only in us-east-1, whatever the stack's region.</summary>
    public bool LivesInUsEast1 => Subject == AlarmSubject.ApiHealthCheck;

    /// <summary>The EC2 recover action for <paramref name="region"/> (partition-aware), used when <see cref="RecoverInstance"/>.</summary>
    public static string RecoverActionArn(string partition, string region) => $"arn:{partition}:automate:{region}:ec2:recover";
}
