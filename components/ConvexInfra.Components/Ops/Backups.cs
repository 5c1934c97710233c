using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using CloudWatch = Pulumi.Aws.CloudWatch;
using Ec2 = Pulumi.Aws.Ec2;
using AwsEcs = Pulumi.Aws.Ecs;
using Iam = Pulumi.Aws.Iam;
using CommandLocal = Pulumi.Command.Local;
using Scheduler = Pulumi.Aws.Scheduler;
using Ssm = Pulumi.Aws.Ssm;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Ops;

/// <summary>Target-neutral inputs: where the export task may run and how it reaches the API.</summary>
public sealed class BackupsArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required AwsAccountContext Account { get; init; }
    public required Input<string> VpcId { get; init; }

    /// <summary>Subnets with a route to the internet (public subnets with <see cref="AssignPublicIp"/>, or private ones behind NAT).</summary>
    public required Output<ImmutableArray<string>> SubnetIds { get; init; }

    public required bool AssignPublicIp { get; init; }

    /// <summary>
    /// The stack's KMS key: the only key the export task's execution role may decrypt with (the admin key), and the key
    /// the task's own role stores the deployment variables with, through S3.
    /// </summary>
    public required Output<string> KeyArn { get; init; }

    /// <summary>The exports bucket: the task stores the deployment variables under its <c>deployment-env/</c> prefix.</summary>
    public required Output<string> ExportsBucket { get; init; }

    /// <summary>
    /// The parameter the export task reads (the admin key): the task definition, and so the schedule and the
    /// pre-upgrade export, wait for it. Only that resource, not the whole Secrets component: the stack key waits for
    /// this component's execution role, so waiting for all of Secrets would wait for the key and never start.
    /// </summary>
    public required Resource AdminKeyParameter { get; init; }

    /// <summary>An existing ECS cluster (the ECS target's); when null a small cluster for the export task is created.</summary>
    public Output<string>? ClusterArn { get; init; }

    /// <summary>The decision of Core's <see cref="RevisionHistory"/> for this run; its history is stored for the next run.</summary>
    public required RevisionDecision Revision { get; init; }
}

/// <summary>
/// The scheduled logical backup: EventBridge Scheduler → ECS RunTask of a small Fargate task that runs the pinned
/// <c>convex export --include-file-storage</c> against the public API with the admin key from SSM. The backend keeps
/// each export zip in its exports bucket (S3 storage mode); the task then stores the deployment variables beside it with
/// its own role (<c>deployment-env/</c>, stack key through S3). Also stores the revision history and, when the image
/// revision changes, runs the export once before the release changes (<see cref="PreUpgradeGate"/>).
/// </summary>
public sealed class Backups : ComponentResource
{
    public Output<string> ClusterArn { get; }
    public Output<string> ClusterName { get; }
    public Output<string> TaskDefinitionArn { get; }
    public Output<string> ScheduleName { get; }
    public Output<string> LogGroupName { get; }
    public string RevisionHistoryParameter { get; }

    /// <summary>The export task's execution role, which fetches the admin key (a reader of the stack key).</summary>
    public Output<string> ExecutionRoleArn { get; }

    /// <summary>The export task's own role (the container's credentials): writes the stored deployment variables only.</summary>
    public Output<string> TaskRoleArn { get; }

    /// <summary>How to start the export task by hand exactly as the schedule does (the <c>exportTask</c> stack output).</summary>
    public Output<ExportTaskOutput> RunTaskTarget { get; }

    /// <summary>
    /// Resolves after the pre-upgrade export finished (immediately when the revision does not change); make the
    /// release depend on it so a failed export stops the upgrade.
    /// </summary>
    public Output<string> PreUpgradeGate { get; }

    public Backups(string name, BackupsArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Backups, name, options)
    {
        ArgumentNullException.ThrowIfNull(args);
        var spec = args.Spec;
        var ctx = args.Account;
        var plan = BackupPlan.For(spec);
        var child = new CustomResourceOptions { Parent = this };

        var logGroup = new CloudWatch.LogGroup($"{name}-export-logs", new CloudWatch.LogGroupArgs
        {
            Name = ExportTask.LogGroupName(spec),
            RetentionInDays = spec.Monitoring.LogRetentionDays,
            Tags = AwsTags.For(spec, $"{name}-export-logs"),
        }, child);
        LogGroupName = logGroup.Name;

        if (args.ClusterArn is { } existing)
        {
            ClusterArn = existing;
            ClusterName = existing.Apply(arn => arn[(arn.LastIndexOf('/') + 1)..]);
        }
        else
        {
            var cluster = new AwsEcs.Cluster($"{name}-cluster", new AwsEcs.ClusterArgs
            {
                Settings = { new AwsEcs.Inputs.ClusterSettingArgs { Name = "containerInsights", Value = "enabled" } },
                Tags = AwsTags.For(spec, $"{name}-cluster"),
            }, child);
            ClusterArn = cluster.Arn;
            ClusterName = cluster.Name;
        }

        var executionRole = new Iam.Role($"{name}-export-execution", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.EcsTasksAssumeRole(),
            Description = $"Runs the convex export task of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-export-execution"),
        }.WithBoundary(spec, ctx), child);
        var executionPolicy = new Iam.RolePolicy($"{name}-export-execution", new Iam.RolePolicyArgs
        {
            Role = executionRole.Name,
            Policy = Output.Tuple(logGroup.Arn, args.KeyArn).Apply(t => StackPolicies.ExportExecution(spec, ctx, t.Item1, t.Item2)),
        }, child);
        ExecutionRoleArn = executionRole.Arn;

        // The container's own credentials: put objects under deployment-env/ with the stack key through S3, nothing else.
        var taskRole = new Iam.Role($"{name}-export-task", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.EcsTasksAssumeRole(),
            Description = $"Stores the deployment variables beside the exports of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-export-task"),
        }.WithBoundary(spec, ctx), child);
        var taskPolicy = new Iam.RolePolicy($"{name}-export-task", new Iam.RolePolicyArgs
        {
            Role = taskRole.Name,
            Policy = Output.Tuple(args.ExportsBucket, args.KeyArn).Apply(t => StackPolicies.ExportTaskAccess(ctx, t.Item1, t.Item2)),
        }, child);
        TaskRoleArn = taskRole.Arn;

        // Egress only: HTTPS to the npm registry, the stack's own public API and S3 (the stored deployment variables).
        var securityGroup = new Ec2.SecurityGroup($"{name}-export", new Ec2.SecurityGroupArgs
        {
            VpcId = args.VpcId,
            Description = "convex export task: outbound HTTPS only",
            Tags = AwsTags.For(spec, $"{name}-export"),
        }, child);
        _ = new Vpc.SecurityGroupEgressRule($"{name}-export-https", new Vpc.SecurityGroupEgressRuleArgs
        {
            SecurityGroupId = securityGroup.Id,
            IpProtocol = "tcp",
            FromPort = 443,
            ToPort = 443,
            CidrIpv4 = "0.0.0.0/0",
            Description = "npm registry and the Convex API",
            Tags = AwsTags.For(spec, $"{name}-export-https"),
        }, child);

        var taskDefinition = new AwsEcs.TaskDefinition($"{name}-export", new AwsEcs.TaskDefinitionArgs
        {
            Family = ExportTask.Family(spec),
            RequiresCompatibilities = { "FARGATE" },
            NetworkMode = "awsvpc",
            Cpu = ExportTask.Cpu.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Memory = ExportTask.MemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ExecutionRoleArn = executionRole.Arn,
            TaskRoleArn = taskRole.Arn,
            ContainerDefinitions = Output.Tuple(logGroup.Name, args.ExportsBucket, args.KeyArn)
                .Apply(t => ExportTask.ContainerDefinitions(ExportTask.ValuesFor(spec, ctx, t.Item1, t.Item2, t.Item3))),
            Tags = AwsTags.For(spec, $"{name}-export"),
        }, new CustomResourceOptions { Parent = this, DependsOn = { executionPolicy, taskPolicy, args.AdminKeyParameter } });
        TaskDefinitionArn = taskDefinition.Arn;
        RunTaskTarget = Output.Tuple(ClusterArn, taskDefinition.Arn, args.SubnetIds, securityGroup.Id)
            .Apply(t => new ExportTaskOutput(t.Item1, t.Item2, t.Item3, t.Item4, args.AssignPublicIp));

        var schedulerRole = new Iam.Role($"{name}-export-scheduler", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.SchedulerAssumeRole(),
            Description = $"Starts the convex export task of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-export-scheduler"),
        }.WithBoundary(spec, ctx), child);
        var schedulerPolicy = new Iam.RolePolicy($"{name}-export-scheduler", new Iam.RolePolicyArgs
        {
            Role = schedulerRole.Name,
            Policy = Output.Tuple(taskDefinition.Arn, ClusterArn, executionRole.Arn, taskRole.Arn)
                .Apply(t => StackPolicies.ExportScheduler(t.Item1, t.Item2, t.Item3, t.Item4)),
        }, child);

        var schedule = new Scheduler.Schedule($"{name}-export", new Scheduler.ScheduleArgs
        {
            Description = $"convex export --include-file-storage of {spec.StackName}/{spec.InstanceName}",
            ScheduleExpression = plan.ExportSchedule,
            FlexibleTimeWindow = new Scheduler.Inputs.ScheduleFlexibleTimeWindowArgs { Mode = "FLEXIBLE", MaximumWindowInMinutes = 15 },
            Target = new Scheduler.Inputs.ScheduleTargetArgs
            {
                Arn = ClusterArn,
                RoleArn = schedulerRole.Arn,
                RetryPolicy = new Scheduler.Inputs.ScheduleTargetRetryPolicyArgs { MaximumRetryAttempts = 2, MaximumEventAgeInSeconds = 3600 },
                EcsParameters = new Scheduler.Inputs.ScheduleTargetEcsParametersArgs
                {
                    TaskDefinitionArn = taskDefinition.Arn,
                    LaunchType = "FARGATE",
                    TaskCount = 1,
                    NetworkConfiguration = new Scheduler.Inputs.ScheduleTargetEcsParametersNetworkConfigurationArgs
                    {
                        Subnets = args.SubnetIds,
                        SecurityGroups = { securityGroup.Id },
                        AssignPublicIp = args.AssignPublicIp,
                    },
                },
            },
        }, new CustomResourceOptions { Parent = this, DependsOn = { schedulerPolicy } });
        ScheduleName = schedule.Name;

        PreUpgradeGate = args.Revision.IsChange && args.Revision.NextHistory.Count > 1
            ? RunPreUpgradeExport(name, spec, args, securityGroup, taskDefinition)
            : Output.Create("no revision change");

        // Written only after the pre-upgrade export: a failed export leaves the old history, so the next run retries it.
        RevisionHistoryParameter = RevisionHistory.ParameterName(spec);
        var history = RevisionHistory.Serialize(args.Revision.NextHistory);
        _ = new Ssm.Parameter($"{name}-revision-history", new Ssm.ParameterArgs
        {
            Name = RevisionHistoryParameter,
            Type = "String",
            InsecureValue = PreUpgradeGate.Apply(_ => history),
            Description = "Image revisions this stack ran, oldest first (read by the next pulumi up to refuse downgrades)",
            Tags = AwsTags.For(spec, $"{name}-revision-history"),
        }, child);

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["clusterArn"] = ClusterArn,
            ["taskDefinitionArn"] = TaskDefinitionArn,
            ["scheduleName"] = ScheduleName,
        });
    }

    private Output<string> RunPreUpgradeExport(string name, DeploymentSpec spec, BackupsArgs args, Ec2.SecurityGroup securityGroup, AwsEcs.TaskDefinition taskDefinition)
    {
        var network = Output.Tuple(args.SubnetIds, securityGroup.Id)
            .Apply(t => PreUpgradeExport.NetworkConfiguration(t.Item1, t.Item2, args.AssignPublicIp));
        var command = new CommandLocal.Command($"{name}-pre-upgrade-export", new CommandLocal.CommandArgs
        {
            Create = PreUpgradeExport.Script(),
            Interpreter = { "/bin/bash", "-c" },
            Environment =
            {
                { "REGION", args.Account.Region },
                { "CLUSTER", ClusterArn },
                { "TASK_DEFINITION", taskDefinition.Arn },
                { "NETWORK_CONFIGURATION", network },
                { "LOG_GROUP", LogGroupName },
                { "DEADLINE_SECONDS", (spec.Rollout.ExportTimeoutMinutes * 60).ToString(System.Globalization.CultureInfo.InvariantCulture) },
            },
            // One export per revision change: a new revision replaces the command and so runs it again.
            Triggers = new[] { spec.ImageRevision },
        }, new CustomResourceOptions { Parent = this });
        return command.Stdout;
    }
}
