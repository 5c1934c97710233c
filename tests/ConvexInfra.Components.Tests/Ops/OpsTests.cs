using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>Backups, alarms and the revision guard over every aws-ec2 stack file, run through the real program under mocks.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class OpsTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string Alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    private const string OlderRevision = "0123456789abcdef0123456789abcdef01234567";
    private const string PreUpgradeCommand = "command:local:Command";

    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Ec2_stack_gets_the_planned_alarms_with_instance_recovery(string stack)
    {
        var run = await runs.GetAsync(stack);
        var alarms = run.OfType(Alarm).ToList();

        Assert.Equal(
            ["CPUUtilization", "CPUUtilization", "FreeStorageSpace", "FreeableMemory", "HealthCheckStatus", "ReleaseFailures", "StatusCheckFailed_Instance", "StatusCheckFailed_System",
                "application_function_runner_total_seconds_count", "scheduled_job_backlog_seconds"],
            alarms.Select(a => a.Text("metricName")!).Order(StringComparer.Ordinal));
        var system = Assert.Single(alarms, a => a.Text("metricName") == "StatusCheckFailed_System");
        Assert.Contains($"arn:aws:automate:{run.Spec.Region}:ec2:recover", system.List("alarmActions").Cast<string>());
        Assert.Equal(run.IdOf(run.Single("aws:ec2/instance:Instance")), system.Map("dimensions").Text("InstanceId"));
        var storage = Assert.Single(alarms, a => a.Text("metricName") == "FreeStorageSpace");
        Assert.StartsWith(run.Single("aws:rds/instance:Instance").Name!, storage.Map("dimensions").Text("DBInstanceIdentifier"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Route53_health_check_probes_version_and_alarms_in_us_east_1(string stack)
    {
        var run = await runs.GetAsync(stack);

        var check = run.Single("aws:route53/healthCheck:HealthCheck");
        Assert.Equal(("HTTPS", "/version", run.Spec.Endpoints.ApiHostname), (check.Text("type"), check.Text("resourcePath"), check.Text("fqdn")));
        var alarm = Assert.Single(run.OfType(Alarm), a => a.Text("metricName") == "HealthCheckStatus");
        Assert.Equal("us-east-1", alarm.Text("region"));
        Assert.Equal(run.IdOf(check), alarm.Map("dimensions").Text("HealthCheckId"));
        var action = Assert.Single(alarm.List("alarmActions").Cast<string>());
        Assert.StartsWith("arn:aws:sns:us-east-1:", action, StringComparison.Ordinal);
        Assert.All(run.OfType(Alarm).Where(a => a != alarm), other => Assert.Null(other.Text("region")));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Alarm_email_is_subscribed_only_when_configured(string stack)
    {
        var run = await runs.GetAsync(stack);
        var subscriptions = run.OfType("aws:sns/topicSubscription:TopicSubscription").ToList();

        if (run.Spec.Monitoring.AlarmEmail is { } email)
        {
            Assert.NotEmpty(subscriptions);
            Assert.All(subscriptions, s => Assert.Equal(("email", email), (s.Text("protocol"), s.Text("endpoint"))));
            Assert.Equal(run.OfType("aws:sns/topic:Topic").Count(), subscriptions.Count);
        }
        else
        {
            Assert.Empty(subscriptions);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Dashboard_body_is_rendered_from_the_resolved_ids(string stack)
    {
        var run = await runs.GetAsync(stack);

        var body = run.Single("aws:cloudwatch/dashboard:Dashboard").Text("dashboardBody")!;
        using var doc = JsonDocument.Parse(body);
        Assert.NotEmpty(doc.RootElement.GetProperty("widgets").EnumerateArray());
        Assert.Contains(run.IdOf(run.Single("aws:ec2/instance:Instance")), body, StringComparison.Ordinal);
        Assert.Contains(run.IdOf(run.Single("aws:route53/healthCheck:HealthCheck")), body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Scheduled_export_runs_the_task_on_the_stack_cluster(string stack)
    {
        var run = await runs.GetAsync(stack);

        var schedule = run.Single("aws:scheduler/schedule:Schedule");
        Assert.Equal(BackupPlan.For(run.Spec).ExportSchedule, schedule.Text("scheduleExpression"));
        var target = (IDictionary<string, object>)schedule.Inputs["target"];
        var cluster = run.Single("aws:ecs/cluster:Cluster");
        Assert.Equal(run.IdOf(cluster), Convert.ToString(target["arn"], System.Globalization.CultureInfo.InvariantCulture));
        var ecs = (IDictionary<string, object>)target["ecsParameters"];
        Assert.Equal("FARGATE", ecs["launchType"]);
        Assert.EndsWith("-export:1", Convert.ToString(ecs["taskDefinitionArn"], System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Export_task_reads_only_the_admin_key_and_never_holds_its_value(string stack)
    {
        var run = await runs.GetAsync(stack);
        var adminKey = await Pulumi.Utilities.OutputUtilities.GetValueAsync(Assert.IsType<Output<string>>(run.Outputs[Core.Outputs.StackOutputNames.AdminKey]));

        var task = run.Single("aws:ecs/taskDefinition:TaskDefinition");
        var definitions = task.Text("containerDefinitions")!;
        Assert.Contains(ExportTask.NodeImage, definitions, StringComparison.Ordinal);
        Assert.Contains("/admin-key", definitions, StringComparison.Ordinal);
        Assert.DoesNotContain(adminKey, definitions, StringComparison.Ordinal);
        var executionPolicy = Assert.Single(run.OfType("aws:iam/rolePolicy:RolePolicy"), p => p.Name!.EndsWith("-export-execution", StringComparison.Ordinal)).Text("policy")!;
        Assert.Contains("/admin-key", executionPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("instance-secret", executionPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("postgres-url", executionPolicy, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Exports_bucket_expires_by_tier(string stack)
    {
        var run = await runs.GetAsync(stack);

        var lifecycle = Assert.Single(run.OfType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"), l => l.Name!.EndsWith("-storage-exports", StringComparison.Ordinal));
        Assert.Contains($"\"days\":{BackupPlan.For(run.Spec).ExportRetentionDays}", JsonSerializer.Serialize(lifecycle.Inputs).Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task First_deploy_starts_the_history_without_a_pre_upgrade_export(string stack)
    {
        var run = await runs.GetAsync(stack);

        Assert.Empty(PreUpgradeCommands(run));
        Assert.Equal(RevisionHistory.Serialize([run.Spec.ImageRevision]), HistoryWritten(run));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Upgrade_runs_the_export_first_and_appends_the_history(string stack)
    {
        var config = StackFiles.Load(stack);
        var run = await StackRun.RunAsync(config, RevisionHistory.Serialize([OlderRevision]));

        var command = Assert.Single(PreUpgradeCommands(run));
        Assert.Contains("aws ecs run-task", command.Text("create"), StringComparison.Ordinal);
        Assert.Equal([run.Spec.ImageRevision], command.List("triggers").Cast<string>());
        Assert.Equal(RevisionHistory.Serialize([OlderRevision, run.Spec.ImageRevision]), HistoryWritten(run));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Going_back_to_an_earlier_revision_is_refused_before_anything_is_registered(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var history = RevisionHistory.Serialize([spec.ImageRevision, OlderRevision]);
        var mocks = new AwsMocks(spec.Region!, history);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(config)));

        Assert.Contains(SettingKeys.AllowRevisionDowngrade.FullName, error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Resources);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task An_allowed_downgrade_proceeds_with_an_export_first(string stack)
    {
        var config = StackFiles.With(StackFiles.Load(stack), SettingKeys.AllowRevisionDowngrade.FullName, "true");
        var spec = ConvexProgram.ReadSpec(config);

        var run = await StackRun.RunAsync(config, RevisionHistory.Serialize([spec.ImageRevision, OlderRevision]));

        Assert.Single(PreUpgradeCommands(run));
        Assert.Equal(RevisionHistory.Serialize([spec.ImageRevision, OlderRevision, spec.ImageRevision]), HistoryWritten(run));
    }

    /// <summary>The export command (EC2 stacks also run the release-report wait step, another local command).</summary>
    private static IEnumerable<Pulumi.Testing.MockResourceArgs> PreUpgradeCommands(StackRun run) =>
        run.OfType(PreUpgradeCommand).Where(c => c.Name!.EndsWith("-pre-upgrade-export", StringComparison.Ordinal));

    private static string? HistoryWritten(StackRun run) =>
        Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")!.EndsWith("/revision-history", StringComparison.Ordinal)).Text("insecureValue");
}
