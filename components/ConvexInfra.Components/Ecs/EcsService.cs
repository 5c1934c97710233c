using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using CloudWatch = Pulumi.Aws.CloudWatch;
using Ec2 = Pulumi.Aws.Ec2;
using AwsEcs = Pulumi.Aws.Ecs;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Ecs;

public sealed class EcsServiceArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required AwsAccountContext Account { get; init; }
    public required Network Network { get; init; }

    /// <summary>Bucket names, database address and parameter names as the containers need them.</summary>
    public required Output<AwsRuntimeValues> Runtime { get; init; }

    /// <summary>The Route 53 zone when it is an input of its own (an output of another resource); else the spec's.</summary>
    public Input<string>? HostedZoneId { get; init; }

    /// <summary>The stack's KMS key: the only key the execution role may decrypt with.</summary>
    public required Output<string> KeyArn { get; init; }

    /// <summary>The SSM versions of the two secrets the task gets injected; a change rolls the service.</summary>
    public required Output<SecretParameterVersions> SecretVersions { get; init; }

    /// <summary>
    /// The RDS address: only the db-host parameter (and, during a restore, the task definition) waits for it; the task
    /// itself starts while RDS is created and its entrypoint waits for the parameter.
    /// </summary>
    public required Output<string> DatabaseHost { get; init; }
}

/// <summary>
/// The Fargate (ARM64) service running exactly one Convex task (backend + site proxy) behind the load balancer, and the
/// dashboard's own service and task in another trust zone: no task role (no AWS credentials in the container), its own
/// security group (the load balancer in, HTTPS out; neither the database nor the backend task admit it).
/// Backend deployments stop the old task before starting the new one (<see cref="EcsDeploymentSettings"/>): never two
/// backends on one database. Secrets come from SSM through the execution role; S3 access at run time through the
/// task role with Core's least-privilege policy.
/// </summary>
public sealed class EcsService : ComponentResource
{
    public Output<string> LoadBalancerDnsName { get; }

    /// <summary>For the load balancer alarms and widgets: the ALB's and the API target group's ARN suffixes.</summary>
    public Output<string> LoadBalancerArnSuffix { get; }

    public Output<string> ApiTargetGroupArnSuffix { get; }
    public Output<ImmutableArray<DnsRecord>> DnsRecords { get; }
    public Output<string> ServiceName { get; }
    public Output<string> DashboardServiceName { get; }
    public Output<string> ClusterArn { get; }
    public Output<string> ClusterName { get; }

    /// <summary>The execution role, which fetches the secrets (a reader of the stack key).</summary>
    public Output<string> ExecutionRoleArn { get; }

    public EcsService(string name, EcsServiceArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.EcsService, name, options)
    {
        var spec = args.Spec;
        var account = args.Account;
        var network = args.Network;
        var child = new CustomResourceOptions { Parent = this };
        var privateTasks = spec.Compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat;

        // An existing network routes its private subnets itself (its owner provides the NAT or endpoints).
        if (privateTasks && network.PrivateRouteTableId is { } privateRoutes)
        {
            // One NAT gateway (not one per zone): tasks reach ghcr.io, SSM and the RDS CA download through it.
            var natAddress = new Ec2.Eip($"{name}-nat", new Ec2.EipArgs { Domain = "vpc", Tags = AwsTags.For(spec, $"{name}-nat") }, child);
            var nat = new Ec2.NatGateway($"{name}-nat", new Ec2.NatGatewayArgs
            {
                AllocationId = natAddress.Id,
                SubnetId = network.PublicSubnetIds.Apply(ids => ids[0]),
                Tags = AwsTags.For(spec, $"{name}-nat"),
            }, child);
            _ = new Ec2.Route($"{name}-private-nat", new Ec2.RouteArgs
            {
                RouteTableId = privateRoutes,
                DestinationCidrBlock = "0.0.0.0/0",
                NatGatewayId = nat.Id,
            }, child);
        }

        var logGroup = new CloudWatch.LogGroup($"{name}-logs", new CloudWatch.LogGroupArgs
        {
            Name = EcsContainers.LogGroupName(spec),
            RetentionInDays = spec.Monitoring.LogRetentionDays,
            Tags = AwsTags.For(spec, $"{name}-logs"),
        }, child);

        var roles = EcsRoles.Create(name, spec, account, args.Runtime, logGroup.Arn, args.KeyArn, child);
        var databaseHost = EcsBackendStart.DatabaseHostParameter(name, spec, args.DatabaseHost, child);
        // Only a restore makes the task definition wait for the address: it must start a task on the restored instance,
        // never on the old one (see EcsContainerDefinitions.Render). Otherwise the address is read at run time.
        var hostVersion = spec.Recovery.Restore is null ? Output.Create((int?)null) : databaseHost.Version.Apply(v => (int?)v);

        var cluster = new AwsEcs.Cluster($"{name}-cluster", new AwsEcs.ClusterArgs
        {
            Settings = { new AwsEcs.Inputs.ClusterSettingArgs { Name = "containerInsights", Value = spec.Tier == Tier.Prod ? "enabled" : "disabled" } },
            Tags = AwsTags.For(spec, $"{name}-cluster"),
        }, child);

        var definition = new AwsEcs.TaskDefinition($"{name}-task", new AwsEcs.TaskDefinitionArgs
        {
            Family = $"{AwsNames.RootName(spec)}-convex",
            RequiresCompatibilities = { "FARGATE" },
            NetworkMode = "awsvpc",
            Cpu = spec.Compute.FargateCpu.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Memory = spec.Compute.FargateMemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // /convex/data/tmp (node work dirs, search segment cache) lives on the task's ephemeral storage.
            EphemeralStorage = new AwsEcs.Inputs.TaskDefinitionEphemeralStorageArgs { SizeInGib = spec.Compute.FargateEphemeralStorageGb },
            RuntimePlatform = new AwsEcs.Inputs.TaskDefinitionRuntimePlatformArgs
            {
                CpuArchitecture = EcsDeploymentSettings.CpuArchitecture,
                OperatingSystemFamily = EcsDeploymentSettings.OperatingSystemFamily,
            },
            ExecutionRoleArn = roles.Execution.Arn,
            // Carries the Prometheus scrape file from its writer to the agent sidecar (EcsMetricsContainers).
            Volumes = { new AwsEcs.Inputs.TaskDefinitionVolumeArgs { Name = EcsMetricsContainers.ConfigVolume } },
            TaskRoleArn = roles.Task.Arn,
            // The secret versions make a rotated instance secret or a new POSTGRES_URL a new task definition, so the
            // service starts a task that reads the new values (ECS reads secrets only when a task starts).
            ContainerDefinitions = Output.Tuple(args.Runtime, logGroup.Name, args.SecretVersions, hostVersion).Apply(t =>
                EcsContainerDefinitions.Render(spec, account, t.Item1, t.Item2, t.Item3, t.Item4)),
            Tags = AwsTags.For(spec, $"{name}-task"),
        }, child);

        // The dashboard's zone: no ingress here (the load balancer adds 6791 from itself), HTTPS out for image pulls.
        var dashboardGroup = new Ec2.SecurityGroup($"{name}-dashboard", new Ec2.SecurityGroupArgs
        {
            VpcId = network.VpcId,
            Description = $"Convex dashboard of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-dashboard"),
        }, child);
        _ = new Vpc.SecurityGroupEgressRule($"{name}-dashboard-egress", new Vpc.SecurityGroupEgressRuleArgs
        {
            SecurityGroupId = dashboardGroup.Id,
            IpProtocol = "tcp",
            FromPort = 443,
            ToPort = 443,
            CidrIpv4 = "0.0.0.0/0",
            Description = "HTTPS out: image pulls",
            Tags = AwsTags.For(spec, $"{name}-dashboard-egress"),
        }, child);

        // No TaskRoleArn: ECS gives the container no credentials endpoint. The execution role only starts the task
        // (pull, logs); its credentials never reach the container.
        var dashboardDefinition = new AwsEcs.TaskDefinition($"{name}-dashboard-task", new AwsEcs.TaskDefinitionArgs
        {
            Family = $"{AwsNames.RootName(spec)}-convex-dashboard",
            RequiresCompatibilities = { "FARGATE" },
            NetworkMode = "awsvpc",
            Cpu = EcsDeploymentSettings.DashboardCpu.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Memory = EcsDeploymentSettings.DashboardMemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RuntimePlatform = new AwsEcs.Inputs.TaskDefinitionRuntimePlatformArgs
            {
                CpuArchitecture = EcsDeploymentSettings.CpuArchitecture,
                OperatingSystemFamily = EcsDeploymentSettings.OperatingSystemFamily,
            },
            ExecutionRoleArn = roles.DashboardExecution.Arn,
            ContainerDefinitions = Output.Tuple(args.Runtime, logGroup.Name).Apply(t =>
                EcsContainerDefinitions.RenderDashboard(spec, t.Item1.Region, t.Item2)),
            Tags = AwsTags.For(spec, $"{name}-dashboard-task"),
        }, child);

        var loadBalancer = new LoadBalancer($"{name}-lb", new LoadBalancerArgs
        {
            Spec = spec,
            VpcId = network.VpcId,
            PublicSubnetIds = network.PublicSubnetIds,
            TaskSecurityGroupId = network.BackendSecurityGroupId,
            DashboardSecurityGroupId = dashboardGroup.Id,
            HostedZoneId = args.HostedZoneId,
        }, new ComponentResourceOptions { Parent = this });

        var plan = AlbRoutingPlan.For(spec);
        // The backend and dashboard services share subnets; each has its own security group and the ALB targets of its task.
        AwsEcs.Inputs.ServiceNetworkConfigurationArgs TaskNetwork(Input<string> securityGroupId) => new()
        {
            Subnets = privateTasks ? network.PrivateSubnetIds : network.PublicSubnetIds,
            SecurityGroups = { securityGroupId },
            AssignPublicIp = !privateTasks,
        };

        List<AwsEcs.Inputs.ServiceLoadBalancerArgs> TargetsOf(string task) => plan.TargetsOf(task).Select(t => new AwsEcs.Inputs.ServiceLoadBalancerArgs
        {
            TargetGroupArn = loadBalancer.TargetGroupArns[t.Name],
            ContainerName = t.ContainerName,
            ContainerPort = t.ContainerPort,
        }).ToList();

        var service = new AwsEcs.Service($"{name}-service", new AwsEcs.ServiceArgs
        {
            Cluster = cluster.Arn,
            TaskDefinition = definition.Arn,
            LaunchType = "FARGATE",
            DesiredCount = EcsDeploymentSettings.DesiredCount,
            DeploymentMinimumHealthyPercent = EcsDeploymentSettings.MinimumHealthyPercent,
            DeploymentMaximumPercent = EcsDeploymentSettings.MaximumPercent,
            DeploymentCircuitBreaker = new AwsEcs.Inputs.ServiceDeploymentCircuitBreakerArgs { Enable = true, Rollback = true },
            // The first task waits for RDS: its grace covers RDS creation; the reset below sets the usual value once steady.
            HealthCheckGracePeriodSeconds = EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds,
            NetworkConfiguration = TaskNetwork(network.BackendSecurityGroupId),
            LoadBalancers = TargetsOf(EcsContainers.BackendTask),
            EnableExecuteCommand = false,
            PropagateTags = "SERVICE",
            WaitForSteadyState = true,
            Tags = AwsTags.For(spec, $"{name}-service"),
        }, new CustomResourceOptions
        {
            Parent = this,
            // The target groups are attached by the listener rules, not by the listener (whose default is a 404):
            // CreateService fails on a target group without a load balancer, so wait for every rule.
            DependsOn = [loadBalancer.HttpsListener, .. loadBalancer.ListenerRules],
            // The reset step owns the value after creation; pulumi must not put the first-deploy value back.
            IgnoreChanges = { "healthCheckGracePeriodSeconds" },
            // Creation now waits through the rest of RDS creation (waitServiceStable: a SUCCESSFUL deployment).
            CustomTimeouts = new CustomTimeouts { Create = TimeSpan.FromMinutes(EcsDeploymentSettings.ServiceCreateTimeoutMinutes) },
        });
        _ = EcsBackendStart.ResetGracePeriod(name, account.Region, cluster, service, databaseHost, this);

        var dashboardService = new AwsEcs.Service($"{name}-dashboard-service", new AwsEcs.ServiceArgs
        {
            Cluster = cluster.Arn,
            TaskDefinition = dashboardDefinition.Arn,
            LaunchType = "FARGATE",
            DesiredCount = 1,
            DeploymentMinimumHealthyPercent = EcsDeploymentSettings.DashboardMinimumHealthyPercent,
            DeploymentMaximumPercent = EcsDeploymentSettings.DashboardMaximumPercent,
            DeploymentCircuitBreaker = new AwsEcs.Inputs.ServiceDeploymentCircuitBreakerArgs { Enable = true, Rollback = true },
            NetworkConfiguration = TaskNetwork(dashboardGroup.Id),
            LoadBalancers = TargetsOf(EcsContainers.DashboardTask),
            EnableExecuteCommand = false,
            PropagateTags = "SERVICE",
            WaitForSteadyState = true,
            Tags = AwsTags.For(spec, $"{name}-dashboard-service"),
        }, new CustomResourceOptions
        {
            Parent = this,
            DependsOn = [loadBalancer.HttpsListener, .. loadBalancer.ListenerRules],
        });

        LoadBalancerDnsName = loadBalancer.DnsName;
        LoadBalancerArnSuffix = loadBalancer.ArnSuffix;
        ApiTargetGroupArnSuffix = loadBalancer.ApiTargetGroupArnSuffix;
        // Same contract as the EC2 target: dnsRecords lists only records to create by hand. The aws-ecs target needs
        // the Route 53 zone (certificate validation) and creates the alias records there, so nothing is left to do.
        DnsRecords = Output.Create(ImmutableArray<DnsRecord>.Empty);
        ServiceName = service.Name;
        DashboardServiceName = dashboardService.Name;
        ClusterArn = cluster.Arn;
        ClusterName = cluster.Name;
        ExecutionRoleArn = roles.Execution.Arn;
        RegisterOutputs(new Dictionary<string, object?>
        {
            ["loadBalancerDnsName"] = LoadBalancerDnsName,
            ["serviceName"] = ServiceName,
            ["dashboardServiceName"] = DashboardServiceName,
        });
    }
}
