using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// The backend's metrics as the program wires them, over every AWS stack file under mocks: the alarms on function errors
/// and scheduler backlog in the stack's namespace, their widgets, the metrics log group the agent's role (and only that
/// role) writes, the ECS sidecars, and the load balancer alarms and widgets of ECS stacks.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class AppMetricsWiringTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string Alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    private const string LogGroup = "aws:cloudwatch/logGroup:LogGroup";

    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

    public static TheoryData<string> EcsStacks() => StackFiles.EcsStacks();

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Errors_and_scheduler_backlog_alarm_in_the_stacks_namespace_with_the_agents_dimensions(string stack)
    {
        var run = await runs.GetAsync(stack);
        var ns = AppMetrics.Namespace(run.Spec);
        var alarms = run.OfType(Alarm).Where(a => a.Text("namespace") == ns).ToList();

        Assert.Equal(2, alarms.Count);
        var errors = Assert.Single(alarms, a => a.Text("metricName") == "application_function_runner_total_seconds_count");
        Assert.Equal(("Sum", "convex-backend", "error"), (errors.Text("statistic"), errors.Map("dimensions").Text("job"), errors.Map("dimensions").Text("status")));
        var backlog = Assert.Single(alarms, a => a.Text("metricName") == "scheduled_job_backlog_seconds");
        Assert.Equal(["job"], backlog.Map("dimensions").Keys);
        var topic = run.OfType("aws:sns/topic:Topic").Select(run.IdOf).First(arn => !arn.Contains(":us-east-1:", StringComparison.Ordinal) || run.Spec.Region == "us-east-1");
        Assert.All(alarms, a => Assert.Contains(topic, a.List("alarmActions").Cast<string>()));
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_dashboard_shows_the_backend_metrics_of_the_stack(string stack)
    {
        var run = await runs.GetAsync(stack);
        var body = run.Single("aws:cloudwatch/dashboard:Dashboard").Text("dashboardBody")!;

        Assert.Contains($"\"{AppMetrics.Namespace(run.Spec)}\",\"scheduled_job_backlog_seconds\",\"job\",\"convex-backend\"", body, StringComparison.Ordinal);
        Assert.Contains("Functions: calls and system errors (per 5 min)", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_agents_role_writes_the_metrics_log_group_and_nothing_else(string stack)
    {
        var run = await runs.GetAsync(stack);
        var group = Assert.Single(run.OfType(LogGroup), g => g.Text("name") == AppMetrics.LogGroup(run.Spec));
        Assert.Equal(run.Spec.Monitoring.LogRetentionDays, Convert.ToInt32(group.Inputs["retentionInDays"], System.Globalization.CultureInfo.InvariantCulture));

        var policy = Assert.Single(run.OfType("aws:iam/rolePolicy:RolePolicy"), p => p.Name!.EndsWith("-metrics", StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(policy.Text("policy")!);
        var statement = Assert.Single(doc.RootElement.GetProperty("Statement").EnumerateArray());
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()));
        var arn = $"arn:aws:logs:{run.Spec.Region}:{MockValues.AccountId}:log-group:{AppMetrics.LogGroup(run.Spec)}";
        Assert.Equal([arn, arn + ":*"], statement.GetProperty("Resource").EnumerateArray().Select(a => a.GetString()));

        // The role is the one the agent runs with: the host's on EC2, the task's (not the execution role) on ECS.
        var role = policy.Text("role");
        if (run.Spec.Target == Core.Spec.DeploymentTarget.AwsEc2)
        {
            Assert.Equal(run.HostRolePolicy().Text("role"), role);
        }
        else
        {
            var task = run.ServiceTaskDefinition();
            var taskRole = Assert.Single(run.OfType("aws:iam/role:Role"), r => task.Text("taskRoleArn")!.EndsWith("/" + run.IdOf(r), StringComparison.Ordinal) || task.Text("taskRoleArn") == run.IdOf(r));
            Assert.Contains(role, new List<string?> { run.IdOf(taskRole), taskRole.Text("name"), taskRole.Name });
        }
    }

    [Theory]
    [MemberData(nameof(EcsStacks))]
    public async Task The_backend_task_runs_the_relay_the_scrape_file_writer_and_the_agent_none_of_them_essential(string stack)
    {
        var run = await runs.GetAsync(stack);
        var task = run.ServiceTaskDefinition();
        using var containers = JsonDocument.Parse(task.Text("containerDefinitions")!);
        var byName = containers.RootElement.EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());

        var relay = byName[EcsMetricsContainers.Relay];
        Assert.Equal(run.Spec.BackendImage, relay.GetProperty("image").GetString());
        Assert.Equal(MetricsRelay.EntryPoint, relay.GetProperty("entryPoint").EnumerateArray().Select(e => e.GetString()!));
        var writer = byName[EcsMetricsContainers.ConfigWriter];
        var scrape = writer.GetProperty("environment").EnumerateArray().Single(e => e.GetProperty("name").GetString() == EcsMetricsContainers.PrometheusConfigVariable);
        Assert.Equal(CloudWatchAgentConfig.PrometheusYaml(run.Spec), scrape.GetProperty("value").GetString());
        var agent = byName[EcsMetricsContainers.Agent];
        Assert.Equal(EcsMetricsContainers.AgentImage, agent.GetProperty("image").GetString());
        var config = agent.GetProperty("environment").EnumerateArray().Single(e => e.GetProperty("name").GetString() == "CW_CONFIG_CONTENT");
        Assert.Equal(CloudWatchAgentConfig.AgentJson(run.Spec, EcsMetricsContainers.PrometheusConfigPath), config.GetProperty("value").GetString());
        Assert.Contains(agent.GetProperty("dependsOn").EnumerateArray(), d => d.GetProperty("containerName").GetString() == EcsMetricsContainers.ConfigWriter && d.GetProperty("condition").GetString() == "SUCCESS");
        Assert.All(new[] { relay, writer, agent }, c => Assert.False(c.GetProperty("essential").GetBoolean()));
        Assert.All(new[] { writer, agent }, c => Assert.Equal(EcsMetricsContainers.ConfigVolume, c.GetProperty("mountPoints")[0].GetProperty("sourceVolume").GetString()));
        var volume = Assert.Single(task.List("volumes").Cast<IReadOnlyDictionary<string, object>>());
        Assert.Equal(EcsMetricsContainers.ConfigVolume, volume.Text("name"));
        Assert.Null(volume.Text("hostPath"));
        // No secret reaches the sidecars; the backend's secrets stay the backend's.
        Assert.All(new[] { relay, writer, agent }, c => Assert.False(c.TryGetProperty("secrets", out _)));
    }

    [Theory]
    [MemberData(nameof(EcsStacks))]
    public async Task Ecs_alarms_on_healthy_targets_and_5xx_of_the_api_target_group_and_the_load_balancer(string stack)
    {
        var run = await runs.GetAsync(stack);
        var alb = run.Single("aws:lb/loadBalancer:LoadBalancer");
        var apiGroup = Assert.Single(run.OfType("aws:lb/targetGroup:TargetGroup"), g => g.Name!.EndsWith("-" + AlbRoutingPlan.ApiTarget, StringComparison.Ordinal));
        var alarms = run.OfType(Alarm).Where(a => a.Text("namespace") == "AWS/ApplicationELB").ToList();

        Assert.Equal(["HTTPCode_ELB_5XX_Count", "HTTPCode_Target_5XX_Count", "HealthyHostCount"], alarms.Select(a => a.Text("metricName")!).Order(StringComparer.Ordinal));
        // The ARN suffixes the provider reports (the mocks answer them as AWS shapes them).
        Assert.All(alarms, a => Assert.StartsWith($"app/{alb.Name}/", a.Map("dimensions").Text("LoadBalancer"), StringComparison.Ordinal));
        Assert.All(alarms.Where(a => a.Text("metricName") != "HTTPCode_ELB_5XX_Count"),
            a => Assert.StartsWith($"targetgroup/{apiGroup.Name}/", a.Map("dimensions").Text("TargetGroup"), StringComparison.Ordinal));
        Assert.False(Assert.Single(alarms, a => a.Text("metricName") == "HTTPCode_ELB_5XX_Count").Map("dimensions").ContainsKey("TargetGroup"));

        var body = run.Single("aws:cloudwatch/dashboard:Dashboard").Text("dashboardBody")!;
        Assert.Contains("\"HTTPCode_Target_5XX_Count\",\"TargetGroup\",\"targetgroup/", body, StringComparison.Ordinal);
        Assert.Contains("\"HealthyHostCount\",\"TargetGroup\",\"targetgroup/", body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_metrics_relay_port_is_never_opened_to_the_network(string stack)
    {
        var run = await runs.GetAsync(stack);
        var ports = run.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .Select(r => Convert.ToInt32(r.Inputs.GetValueOrDefault("fromPort", 0), System.Globalization.CultureInfo.InvariantCulture));

        Assert.DoesNotContain(HostLayout.MetricsRelayPort, ports);
    }
}
