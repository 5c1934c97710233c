using System.Collections.Immutable;
using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests.Ecs;

/// <summary>The aws-ecs target over every aws-ecs stack file: the EC2 invariants plus one task, no overlap, HTTPS only.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class EcsServiceTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string IngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
    private const string Listener = "aws:lb/listener:Listener";

    public static TheoryData<string> Stacks() => StackFiles.EcsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Service_runs_exactly_one_task_and_never_two_backends(string stack)
    {
        var run = await runs.GetAsync(stack);
        var service = run.BackendService();

        Assert.Equal(1, service.Number("desiredCount"));
        Assert.Equal(0, service.Number("deploymentMinimumHealthyPercent"));
        Assert.Equal(100, service.Number("deploymentMaximumPercent"));
        Assert.Equal("FARGATE", service.Text("launchType"));
        Assert.True(service.Number("healthCheckGracePeriodSeconds") >= 300);
        Assert.Empty(run.OfType("aws:ec2/instance:Instance"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task An_upgrade_drains_for_5_s_and_the_new_task_serves_after_two_5_s_checks(string stack)
    {
        var run = await runs.GetAsync(stack);
        var groups = run.OfType("aws:lb/targetGroup:TargetGroup").ToList();

        // The gap of a one-task upgrade: drain (deregistration delay), stop, start, then healthy checks at the ALB.
        Assert.NotEmpty(groups);
        Assert.All(groups, group =>
        {
            Assert.Equal(5, group.Number("deregistrationDelay"));
            var check = group.Map("healthCheck");
            Assert.Equal(5, Convert.ToInt32(check["interval"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(4, Convert.ToInt32(check["timeout"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(2, Convert.ToInt32(check["healthyThreshold"], System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(3, Convert.ToInt32(check["unhealthyThreshold"], System.Globalization.CultureInfo.InvariantCulture));
        });
        var service = run.BackendService();
        Assert.Equal(0, service.Number("deploymentMinimumHealthyPercent"));
        Assert.Equal(100, service.Number("deploymentMaximumPercent"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Task_is_arm64_fargate_with_the_stack_sizes_and_pinned_images(string stack)
    {
        var run = await runs.GetAsync(stack);
        var task = run.ServiceTaskDefinition();
        var compute = run.Spec.Compute;

        Assert.Equal("ARM64", task.Map("runtimePlatform").Text("cpuArchitecture"));
        Assert.Equal(compute.FargateCpu.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Text("cpu"));
        Assert.Equal(compute.FargateMemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Text("memory"));
        Assert.Equal(compute.FargateEphemeralStorageGb, Convert.ToInt32(task.Map("ephemeralStorage")["sizeInGib"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("awsvpc", task.Text("networkMode"));

        using var containers = JsonDocument.Parse(task.Text("containerDefinitions")!);
        var images = containers.RootElement.EnumerateArray().Select(c => c.GetProperty("image").GetString()).ToList();
        Assert.Equal([run.Spec.BackendImage, ConvexInfra.Core.Rendering.HostLayout.CaddyImage, run.Spec.BackendImage, ConvexInfra.Core.Rendering.HostLayout.CaddyImage, EcsMetricsContainers.AgentImage], images);
        Assert.EndsWith($":{run.Spec.ImageRevision}", images[0], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_proxy_crash_does_not_stop_the_backend(string stack)
    {
        var run = await runs.GetAsync(stack);
        using var containers = JsonDocument.Parse(run.ServiceTaskDefinition().Text("containerDefinitions")!);
        var essential = containers.RootElement.EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("essential").GetBoolean());

        Assert.Equal(new Dictionary<string, bool>
        {
            [EcsContainers.Backend] = true,
            [EcsContainers.Proxy] = false,
            [EcsMetricsContainers.Relay] = false,
            [EcsMetricsContainers.ConfigWriter] = false,
            [EcsMetricsContainers.Agent] = false,
        }, essential);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Dashboard_runs_in_its_own_task_without_a_task_role_behind_the_same_load_balancer(string stack)
    {
        var run = await runs.GetAsync(stack);
        var service = run.DashboardService();
        var task = run.TaskDefinitionOf(service);

        Assert.NotEqual(run.BackendService().Text("taskDefinition"), service.Text("taskDefinition"));
        Assert.Null(task.Text("taskRoleArn"));
        Assert.NotEqual(run.ServiceTaskDefinition().Text("executionRoleArn"), task.Text("executionRoleArn"));
        Assert.Equal("ARM64", task.Map("runtimePlatform").Text("cpuArchitecture"));
        Assert.Equal(EcsDeploymentSettings.DashboardCpu.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Text("cpu"));
        Assert.Equal(EcsDeploymentSettings.DashboardMemoryMb.ToString(System.Globalization.CultureInfo.InvariantCulture), task.Text("memory"));
        using var containers = JsonDocument.Parse(task.Text("containerDefinitions")!);
        var container = Assert.Single(containers.RootElement.EnumerateArray());
        Assert.Equal(run.Spec.DashboardImage, container.GetProperty("image").GetString());
        Assert.True(container.GetProperty("essential").GetBoolean());
        Assert.False(container.TryGetProperty("secrets", out _));
        Assert.False(container.TryGetProperty("dependsOn", out _));

        // Same cluster and load balancer, its own target group and security group.
        Assert.Equal(run.BackendService().Text("cluster"), service.Text("cluster"));
        var target = Assert.Single(service.List("loadBalancers").Cast<IReadOnlyDictionary<string, object>>());
        Assert.Equal(6791, Convert.ToInt32(target["containerPort"], System.Globalization.CultureInfo.InvariantCulture));
        var dashboardGroup = Assert.Single(((IEnumerable<object>)service.Map("networkConfiguration")["securityGroups"]).Cast<string>());
        var backendGroup = Assert.Single(((IEnumerable<object>)run.BackendService().Map("networkConfiguration")["securityGroups"]).Cast<string>());
        Assert.NotEqual(backendGroup, dashboardGroup);
        Assert.Equal(1, service.Number("desiredCount"));
    }

    /// <summary>
    /// The backend task's backend and site proxy share the network namespace only: no PID or IPC namespace, and neither
    /// mounts a volume (the task's one volume carries the CloudWatch agent's config between the metrics sidecars).
    /// </summary>
    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Backend_task_shares_no_process_or_volume_namespace_with_the_site_proxy(string stack)
    {
        var task = (await runs.GetAsync(stack)).ServiceTaskDefinition();

        Assert.Null(task.Text("pidMode"));
        Assert.Null(task.Text("ipcMode"));
        using var containers = JsonDocument.Parse(task.Text("containerDefinitions")!);
        var mounting = containers.RootElement.EnumerateArray()
            .Where(c => c.TryGetProperty("mountPoints", out var mounts) && mounts.GetArrayLength() > 0)
            .Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.DoesNotContain(EcsContainers.Backend, mounting);
        Assert.DoesNotContain(EcsContainers.Proxy, mounting);
        Assert.All(task.List("volumes").Cast<IReadOnlyDictionary<string, object>>(), v => Assert.Equal("cloudwatch-agent-config", v["name"]));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Dashboard_execution_role_writes_only_the_dashboards_log_streams(string stack)
    {
        var run = await runs.GetAsync(stack);
        var executionArn = run.TaskDefinitionOf(run.DashboardService()).Text("executionRoleArn")!;
        var roleName = executionArn[(executionArn.LastIndexOf('/') + 1)..];
        var policies = run.OfType("aws:iam/rolePolicy:RolePolicy").Where(p => p.Text("role") == roleName)
            .Select(p => Core.Aws.Iam.IamPolicy.Parse(p.Text("policy")!)).ToList();
        Assert.Single(policies);
        Assert.DoesNotContain(run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"), a => a.Text("role") == roleName);

        var account = MockValues.AccountId;
        var region = run.Spec.Region!;
        var group = $"arn:aws:logs:{region}:{account}:log-group:{EcsContainers.LogGroupName(run.Spec)}";
        bool Allows(string action, string resource) =>
            policies.Any(p => p.Evaluate(new Core.Aws.Iam.IamRequest(action, resource, new Dictionary<string, string>(), "test")) == Core.Aws.Iam.IamDecision.Allowed);

        Assert.True(Allows("logs:PutLogEvents", $"{group}:log-stream:{EcsContainers.Dashboard}/{EcsContainers.Dashboard}/0123456789abcdef"));
        Assert.True(Allows("logs:CreateLogStream", $"{group}:log-stream:{EcsContainers.Dashboard}/{EcsContainers.Dashboard}/0123456789abcdef"));
        Assert.False(Allows("logs:PutLogEvents", $"{group}:log-stream:{EcsContainers.Backend}/{EcsContainers.Backend}/0123456789abcdef"));
        var secrets = Core.Naming.ResourceNames.SecretParameters(run.Spec);
        foreach (var parameter in new[] { secrets.InstanceSecret, secrets.PostgresUrl, secrets.AdminKey })
        {
            Assert.False(Allows("ssm:GetParameters", $"arn:aws:ssm:{region}:{account}:parameter{parameter}"));
        }

        Assert.False(Allows("kms:Decrypt", $"arn:aws:kms:{region}:{account}:key/any"));
        Assert.False(Allows("ecr:GetAuthorizationToken", "*"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Dashboard_reaches_neither_the_backend_nor_the_database(string stack)
    {
        var run = await runs.GetAsync(stack);
        var dashboardGroup = Assert.Single(((IEnumerable<object>)run.DashboardService().Map("networkConfiguration")["securityGroups"]).Cast<string>());
        var albGroup = Assert.Single(run.Single("aws:lb/loadBalancer:LoadBalancer").List("securityGroups").Cast<string>());

        // No group (backend task, database) admits the dashboard's: no ingress rule anywhere references it.
        Assert.DoesNotContain(run.OfType(IngressRule), r => r.Text("referencedSecurityGroupId") == dashboardGroup);
        var into = Assert.Single(run.OfType(IngressRule), r => r.Text("securityGroupId") == dashboardGroup);
        Assert.Equal(albGroup, into.Text("referencedSecurityGroupId"));
        Assert.Equal(6791, into.Number("fromPort"));
        var egress = Assert.Single(run.OfType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"), r => r.Text("securityGroupId") == dashboardGroup);
        Assert.Equal(443, egress.Number("fromPort"));
        Assert.Equal(443, egress.Number("toPort"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Internal_endpoints_answer_404_at_the_load_balancer_on_every_host(string stack)
    {
        var run = await runs.GetAsync(stack);
        var rules = run.OfType("aws:lb/listenerRule:ListenerRule").ToList();
        var conditions = (Pulumi.Testing.MockResourceArgs r) => r.List("conditions").Cast<IReadOnlyDictionary<string, object>>().ToList();

        var block = Assert.Single(rules, r => conditions(r).Any(c => c.ContainsKey("pathPattern")));
        var condition = Assert.Single(conditions(block));
        Assert.False(condition.ContainsKey("hostHeader"), "no host condition: every host name");
        Assert.Equal(["/metrics*"], Values(condition["pathPattern"]));
        var action = Assert.Single(block.List("actions").Cast<IReadOnlyDictionary<string, object>>());
        Assert.Equal("fixed-response", action.Text("type"));
        Assert.Equal("404", ((IReadOnlyDictionary<string, object>)action["fixedResponse"]).Text("statusCode"));

        // Lower number, higher priority: evaluated before every forwarding rule, whatever the host.
        var forwarding = rules.Where(r => r != block).ToList();
        Assert.NotEmpty(forwarding);
        Assert.All(forwarding, r => Assert.True(block.Number("priority") < r.Number("priority"), $"{r.Name}: priority {r.Number("priority")}"));
        var hosts = forwarding.SelectMany(r => conditions(r)).Where(c => c.ContainsKey("hostHeader"))
            .SelectMany(c => Values(c["hostHeader"])).ToHashSet(StringComparer.Ordinal);
        var endpoints = run.Spec.Endpoints;
        Assert.Superset(hosts, new HashSet<string>(StringComparer.Ordinal) { endpoints.ApiHostname, endpoints.SiteHostname, endpoints.DashboardHostname });
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_task_role_reads_the_buckets_and_only_the_plain_database_address(string stack)
    {
        var run = await runs.GetAsync(stack);
        var taskRoleArn = run.ServiceTaskDefinition().Text("taskRoleArn")!;
        var role = Assert.Single(run.OfType("aws:iam/role:Role"), r => taskRoleArn.EndsWith($":role/{r.Text("name") ?? run.IdOf(r)}", StringComparison.Ordinal));
        // Two policies: the buckets, and the agent sidecar's metrics log group (AppMetricsWiringTests).
        var policies = run.PoliciesOfRole(run.IdOf(role)).ToList();
        Assert.Equal(2, policies.Count);
        var policy = Assert.Single(policies, p => !p.Name!.EndsWith("-metrics", StringComparison.Ordinal)).Text("policy")!;

        using var document = JsonDocument.Parse(policy);
        var actions = document.RootElement.GetProperty("Statement").EnumerateArray()
            .SelectMany(s => s.GetProperty("Action").ValueKind == JsonValueKind.Array
                ? s.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!)
                : [s.GetProperty("Action").GetString()!])
            .ToList();
        Assert.Contains("s3:GetObject", actions);
        // The entrypoint reads the RDS address (a String parameter): GetParameter on that one name, no key, no secret.
        Assert.Equal(["ssm:GetParameter"], actions.Where(a => a.StartsWith("ssm:", StringComparison.Ordinal)));
        Assert.DoesNotContain(actions, a => a.StartsWith("kms:", StringComparison.Ordinal));
        Assert.Contains($"parameter/{run.Spec.ProjectName}/{run.Spec.StackName}/db-host\"", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("instance-secret", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres-url", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("db-credentials", policy, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task No_secret_value_appears_in_the_task_definition_or_plain_outputs(string stack)
    {
        var run = await runs.GetAsync(stack);
        var task = run.ServiceTaskDefinition();
        var definitions = task.Text("containerDefinitions")!;

        Assert.DoesNotContain(MockValues.DatabasePassword, definitions, StringComparison.Ordinal);
        Assert.Contains("\"valueFrom\": \"arn:aws:ssm:", definitions, StringComparison.Ordinal);
        var adminKey = await OutputUtilities.GetValueAsync((Output<string>)run.Outputs[StackOutputNames.AdminKey]!);
        Assert.True(await Output.IsSecretAsync((Output<string>)run.Outputs[StackOutputNames.AdminKey]!));
        Assert.All(run.Registered, r => Assert.DoesNotContain(r.AllStrings(), s => s.Contains(adminKey, StringComparison.Ordinal) && r.Type != "aws:ssm/parameter:Parameter"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Listeners_serve_https_only_and_port_80_only_redirects(string stack)
    {
        var run = await runs.GetAsync(stack);
        var listeners = run.OfType(Listener).ToList();

        Assert.Equal(2, listeners.Count);
        var https = Assert.Single(listeners, l => l.Number("port") == 443);
        Assert.Equal("HTTPS", https.Text("protocol"));
        Assert.Equal(EcsDeploymentSettings.TlsPolicy, https.Text("sslPolicy"));
        Assert.False(string.IsNullOrEmpty(https.Text("certificateArn")));

        var http = Assert.Single(listeners, l => l.Number("port") == 80);
        var action = Assert.Single(http.List("defaultActions").Cast<IReadOnlyDictionary<string, object>>());
        Assert.Equal("redirect", action.Text("type"));
        var redirect = (IReadOnlyDictionary<string, object>)action["redirect"];
        Assert.Equal("HTTPS", redirect.Text("protocol"));
        Assert.Equal("HTTP_301", redirect.Text("statusCode"));

        Assert.All(run.OfType("aws:lb/targetGroup:TargetGroup"), tg => Assert.Equal("ip", tg.Text("targetType")));
        var alb = run.Single("aws:lb/loadBalancer:LoadBalancer");
        Assert.True(alb.Number("idleTimeout") >= 300);
        Assert.Equal(false, alb.Flag("internal"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Security_groups_chain_load_balancer_to_tasks_to_database(string stack)
    {
        var run = await runs.GetAsync(stack);
        var service = run.BackendService();
        var database = run.Single("aws:rds/instance:Instance");
        var alb = run.Single("aws:lb/loadBalancer:LoadBalancer");

        var taskGroup = Assert.Single(((IEnumerable<object>)service.Map("networkConfiguration")["securityGroups"]).Cast<string>());
        var albGroup = Assert.Single(alb.List("securityGroups").Cast<string>());
        var databaseGroup = Assert.Single(database.List("vpcSecurityGroupIds").Cast<string>());

        var intoTasks = run.OfType(IngressRule).Where(r => r.Text("securityGroupId") == taskGroup).ToList();
        Assert.NotEmpty(intoTasks);
        Assert.All(intoTasks, r =>
        {
            Assert.Equal(albGroup, r.Text("referencedSecurityGroupId"));
            Assert.Null(r.Text("cidrIpv4"));
        });
        Assert.Equal([3210, 3212, 3213], intoTasks.Select(r => r.Number("fromPort")!.Value).Order());

        var intoDatabase = Assert.Single(run.OfType(IngressRule), r => r.Text("securityGroupId") == databaseGroup);
        Assert.Equal(taskGroup, intoDatabase.Text("referencedSecurityGroupId"));

        Assert.All(run.OfType(IngressRule).Where(r => r.Text("cidrIpv4") == "0.0.0.0/0"), r =>
            Assert.Contains(r.Number("fromPort"), new int?[] { 80, 443 }));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Subnet_placement_follows_the_stack_and_nat_exists_only_for_private_tasks(string stack)
    {
        var run = await runs.GetAsync(stack);
        var privateTasks = run.Spec.Compute.EcsSubnets == EcsSubnetPlacement.PrivateWithNat;

        foreach (var service in new[] { run.BackendService(), run.DashboardService() })
        {
            var network = service.Map("networkConfiguration");
            Assert.Equal(!privateTasks, network["assignPublicIp"] is bool b && b);
        }

        Assert.Equal(privateTasks ? 1 : 0, run.OfType("aws:ec2/natGateway:NatGateway").Count());
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Logs_are_kept_by_tier_and_the_certificate_is_validated_in_route53(string stack)
    {
        var run = await runs.GetAsync(stack);

        var logs = run.LogGroupOf(run.ServiceTaskDefinition());
        Assert.Equal(run.Spec.Monitoring.LogRetentionDays, logs.Number("retentionInDays"));

        var certificate = run.Single("aws:acm/certificate:Certificate");
        Assert.Equal("DNS", certificate.Text("validationMethod"));
        var validation = run.Single("aws:acm/certificateValidation:CertificateValidation");
        Assert.Equal(3, validation.List("validationRecordFqdns").Count);

        var aliases = run.OfType("aws:route53/record:Record").Where(r => r.Text("type") == "A").Select(r => r.Text("name")).Order(StringComparer.Ordinal);
        var endpoints = run.Spec.Endpoints;
        Assert.Equal(new[] { endpoints.ApiHostname, endpoints.DashboardHostname, endpoints.SiteHostname }.Order(StringComparer.Ordinal), aliases);

        var listed = await OutputUtilities.GetValueAsync(Assert.IsType<Output<ImmutableArray<object>>>(run.Outputs[StackOutputNames.DnsRecords]));
        Assert.Empty(listed);
    }

    private static IEnumerable<string> Values(object condition) =>
        ((System.Collections.IEnumerable)((IReadOnlyDictionary<string, object>)condition)["values"]).Cast<string>();
}
