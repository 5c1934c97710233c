using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using Pulumi;
using CloudWatch = Pulumi.Aws.CloudWatch;
using Route53 = Pulumi.Aws.Route53;
using Sns = Pulumi.Aws.Sns;

namespace ConvexInfra.Components.Ops;

/// <summary>
/// What to watch, target-neutral: set what the stack has. The EC2 target passes the instance id; the ECS target
/// passes the target group and load balancer ARN suffixes (and its cluster/service for the dashboard).
/// </summary>
public sealed class MonitoringArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required AwsAccountContext Account { get; init; }
    public Output<string>? Ec2InstanceId { get; init; }
    public Output<string>? DatabaseIdentifier { get; init; }

    /// <summary>Create a Route 53 health check on https://&lt;api hostname&gt;/version (EC2 stacks have no load balancer).</summary>
    public bool ApiHealthCheck { get; init; }

    public Output<string>? TargetGroupArnSuffix { get; init; }
    public Output<string>? LoadBalancerArnSuffix { get; init; }
    public Output<string>? EcsClusterName { get; init; }
    public Output<string>? EcsServiceName { get; init; }

    /// <summary>Cluster whose stopped tasks with a non-zero exit (failed exports, crashed or OOM-killed backends) notify the topic.</summary>
    public Output<string>? EcsClusterArn { get; init; }

    /// <summary>An existing SNS topic in the stack's region (<c>alarmTopicArn</c>) that the regional alarms notify too.</summary>
    public Input<string>? AlarmTopicArn { get; init; }
}

/// <summary>
/// Alarms from Core's <see cref="MonitoringPlan"/> wired to one SNS topic (e-mail subscription when alarmEmail is
/// set), the EC2 recover action on the system status check, a Route 53 health check whose alarm lives in us-east-1
/// (Route 53 publishes its metrics only there; Pulumi.Aws v7's per-resource <c>Region</c> places it), and a dashboard.
/// </summary>
public sealed class Monitoring : ComponentResource
{
    private const string UsEast1 = "us-east-1";

    public Output<string> TopicArn { get; }
    public Output<string> DashboardName { get; }
    public IReadOnlyList<string> AlarmKeys { get; }

    public Monitoring(string name, MonitoringArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Monitoring, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var spec = args.Spec;
        var region = args.Account.Region;
        var child = new CustomResourceOptions { Parent = this };

        var topic = NewTopic($"{name}-alarms", spec, args.Account, null, child);
        TopicArn = topic.Arn;
        if (args.EcsClusterArn is { } clusterArn)
        {
            NotifyStoppedTasks(name, spec, clusterArn, topic, child);
        }

        // CloudWatch only notifies SNS topics in its own region, so us-east-1 alarms get a topic there.
        Route53.HealthCheck? healthCheck = null;
        var usEast1Topic = topic;
        if (args.ApiHealthCheck)
        {
            healthCheck = new Route53.HealthCheck($"{name}-api-health", new Route53.HealthCheckArgs
            {
                Type = "HTTPS",
                Fqdn = spec.Endpoints.ApiHostname,
                Port = 443,
                ResourcePath = "/version",
                EnableSni = true,
                RequestInterval = 30,
                FailureThreshold = 3,
                Tags = AwsTags.For(spec, $"{name}-api-health"),
            }, child);
            if (region != UsEast1)
            {
                usEast1Topic = NewTopic($"{name}-alarms-us-east-1", spec, args.Account, UsEast1, child);
            }
        }

        var appNamespace = AppMetrics.Namespace(spec);
        var appMetrics = AppMetrics.For(spec);
        var alarms = MonitoringPlan.Alarms(new MonitoringInputs(
            HasEc2Instance: args.Ec2InstanceId is not null,
            HasDatabase: args.DatabaseIdentifier is not null,
            HasApiHealthCheck: healthCheck is not null,
            HasLoadBalancerTargets: args.TargetGroupArnSuffix is not null && args.LoadBalancerArnSuffix is not null,
            spec.Database.AllocatedStorageGb,
            DatabaseMemory.MegabytesOf(spec.Database.InstanceClass),
            appNamespace,
            appMetrics));
        AlarmKeys = alarms.Select(a => a.Key).ToList();

        foreach (var alarm in alarms)
        {
            var notify = alarm.LivesInUsEast1 ? usEast1Topic.Arn : topic.Arn;
            var actions = new InputList<string> { notify };
            var okActions = new InputList<string> { notify };
            if (args.AlarmTopicArn is { } extra && !alarm.LivesInUsEast1)
            {
                // CloudWatch notifies only topics in the alarm's region; the us-east-1 health alarm keeps its own topic.
                actions.Add(extra);
                okActions.Add(extra);
            }

            if (alarm.RecoverInstance)
            {
                actions.Add(AlarmDefinition.RecoverActionArn(args.Account.Partition, region));
            }

            var alarmName = $"{name}-{alarm.Key}";
            _ = new CloudWatch.MetricAlarm(alarmName, new CloudWatch.MetricAlarmArgs
            {
                Region = alarm.LivesInUsEast1 ? UsEast1 : (Input<string>?)null,
                AlarmDescription = alarm.Description,
                Namespace = alarm.Namespace,
                MetricName = alarm.MetricName,
                Statistic = alarm.Statistic,
                Period = alarm.PeriodSeconds,
                EvaluationPeriods = alarm.EvaluationPeriods,
                Threshold = alarm.Threshold,
                ComparisonOperator = alarm.ComparisonOperator,
                TreatMissingData = alarm.TreatMissingData,
                Dimensions = Dimensions(alarm, args, healthCheck),
                AlarmActions = actions,
                OkActions = okActions,
                Tags = AwsTags.For(spec, alarmName),
            }, child);
        }

        var targets = Output.Tuple(
            Optional(args.Ec2InstanceId), Optional(args.DatabaseIdentifier), Optional(healthCheck?.Id),
            Optional(args.TargetGroupArnSuffix), Optional(args.LoadBalancerArnSuffix),
            Optional(args.EcsClusterName), Optional(args.EcsServiceName));
        var dashboard = new CloudWatch.Dashboard($"{name}-dashboard", new CloudWatch.DashboardArgs
        {
            DashboardName = $"{name}-convex",
            DashboardBody = targets.Apply(t => DashboardBody.Render(new DashboardTargets(region, t.Item1, t.Item2, t.Item3, t.Item4, t.Item5, t.Item6, t.Item7, appNamespace, appMetrics))),
        }, child);
        DashboardName = dashboard.DashboardName;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["topicArn"] = TopicArn,
            ["dashboardName"] = DashboardName,
        });
    }

    private static void NotifyStoppedTasks(string name, DeploymentSpec spec, Output<string> clusterArn, Sns.Topic topic, CustomResourceOptions options)
    {
        var rule = new CloudWatch.EventRule($"{name}-task-stopped", new CloudWatch.EventRuleArgs
        {
            Description = "ECS task stopped with a non-zero exit code (137: out of memory)",
            EventPattern = clusterArn.Apply(OpsPolicies.TaskStoppedPattern),
            Tags = AwsTags.For(spec, $"{name}-task-stopped"),
        }, options);
        _ = new CloudWatch.EventTarget($"{name}-task-stopped", new CloudWatch.EventTargetArgs
        {
            Rule = rule.Name,
            Arn = topic.Arn,
        }, options);
    }

    private static Sns.Topic NewTopic(string name, DeploymentSpec spec, AwsAccountContext account, string? region, CustomResourceOptions options)
    {
        // Named explicitly so the policy can name the topic's ARN without waiting for it.
        var topicArn = $"arn:{account.Partition}:sns:{region ?? account.Region}:{account.AccountId}:{name}";
        var topic = new Sns.Topic(name, new Sns.TopicArgs
        {
            Name = name,
            Region = region is null ? null : (Input<string>)region,
            Policy = OpsPolicies.AlarmTopicPolicy(topicArn, account.AccountId),
            DisplayName = $"Convex {spec.StackName} alarms",
            Tags = AwsTags.For(spec, name),
        }, options);
        if (spec.Monitoring.AlarmEmail is { } email)
        {
            // AWS e-mails a confirmation link; alarms reach the address only after someone clicks it.
            _ = new Sns.TopicSubscription($"{name}-email", new Sns.TopicSubscriptionArgs
            {
                Region = region is null ? null : (Input<string>)region,
                Topic = topic.Arn,
                Protocol = "email",
                Endpoint = email,
            }, options);
        }

        return topic;
    }

    private static InputMap<string> Dimensions(AlarmDefinition alarm, MonitoringArgs args, Route53.HealthCheck? healthCheck)
    {
        var map = new InputMap<string>();
        switch (alarm.Subject)
        {
            case AlarmSubject.Ec2Instance:
                map.Add("InstanceId", args.Ec2InstanceId!);
                break;
            case AlarmSubject.Database:
                map.Add("DBInstanceIdentifier", args.DatabaseIdentifier!);
                break;
            case AlarmSubject.ApiHealthCheck:
                map.Add("HealthCheckId", healthCheck!.Id);
                break;
            case AlarmSubject.LoadBalancerTargets:
                map.Add("TargetGroup", args.TargetGroupArnSuffix!);
                map.Add("LoadBalancer", args.LoadBalancerArnSuffix!);
                break;
            case AlarmSubject.HostRelease:
                map.Add(HostStatus.MetricDimension, ResourceNames.ResourcePrefix(args.Spec));
                break;
            case AlarmSubject.LoadBalancer:
                map.Add("LoadBalancer", args.LoadBalancerArnSuffix!);
                break;
            case AlarmSubject.Application:
                // Constants of the agent's configuration (CloudWatchAgentConfig): the scrape job, and the status filter.
                foreach (var (key, value) in alarm.FixedDimensions ?? [])
                {
                    map.Add(key, value);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(alarm), alarm.Subject, "unknown alarm subject");
        }

        return map;
    }

    private static Output<string?> Optional(Output<string>? value) =>
        value is null ? Output.Create<string?>((string?)null) : value.Apply(v => (string?)v);
}
