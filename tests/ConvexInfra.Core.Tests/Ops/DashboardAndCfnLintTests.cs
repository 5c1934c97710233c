using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

public class DashboardAndCfnLintTests
{
    private static readonly DashboardTargets Ec2 = new("eu-west-1", "i-0123456789abcdef0", "prod-acme-db", "abcdef01-2345-6789-abcd-ef0123456789", null, null, null, null);
    private static readonly DashboardTargets Ecs = new("eu-west-1", null, "prod-acme-db", null, "targetgroup/api/0123456789abcdef", "app/prod-acme/0123456789abcdef", "prod-acme", "backend");

    [Fact]
    public void Ec2_dashboard_shows_health_host_and_database()
    {
        var titles = Widgets(DashboardBody.Render(Ec2)).Select(w => w["properties"]!["title"]!.GetValue<string>()).ToList();

        Assert.Equal(
            ["API /version health (1 = healthy)", "Host CPU %", "Host status checks", "Database CPU % and connections", "Database free storage and freeable memory (bytes)"],
            titles);
    }

    [Fact]
    public void Health_widget_reads_us_east_1_everything_else_the_stack_region()
    {
        var widgets = Widgets(DashboardBody.Render(Ec2));

        Assert.Equal("us-east-1", widgets[0]["properties"]!["region"]!.GetValue<string>());
        Assert.All(widgets.Skip(1), w => Assert.Equal("eu-west-1", w["properties"]!["region"]!.GetValue<string>()));
    }

    [Fact]
    public void Ecs_dashboard_uses_load_balancer_and_service_metrics()
    {
        var body = DashboardBody.Render(Ecs);

        Assert.Contains("\"HealthyHostCount\",\"TargetGroup\",\"targetgroup/api/0123456789abcdef\",\"LoadBalancer\",\"app/prod-acme/0123456789abcdef\"", body, StringComparison.Ordinal);
        Assert.Contains("\"AWS/ECS\",\"MemoryUtilization\",\"ClusterName\",\"prod-acme\",\"ServiceName\",\"backend\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("AWS/EC2", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Widgets_tile_two_per_row_without_overlap()
    {
        var boxes = Widgets(DashboardBody.Render(Ecs))
            .Select(w => (X: w["x"]!.GetValue<int>(), Y: w["y"]!.GetValue<int>(), W: w["width"]!.GetValue<int>(), H: w["height"]!.GetValue<int>()))
            .ToList();

        Assert.All(boxes, b => Assert.InRange(b.X + b.W, 1, 24));
        Assert.Equal(boxes.Count, boxes.Select(b => (b.X, b.Y)).Distinct().Count());
    }

    [Fact]
    public void Every_metric_line_has_namespace_name_and_dimension_pairs()
    {
        foreach (var widget in Widgets(DashboardBody.Render(Ec2)).Concat(Widgets(DashboardBody.Render(Ecs))))
        {
            foreach (var metric in widget["properties"]!["metrics"]!.AsArray())
            {
                var parts = metric!.AsArray();
                Assert.StartsWith("AWS/", parts[0]!.GetValue<string>(), StringComparison.Ordinal);
                Assert.All(parts, p => Assert.Equal(JsonValueKind.String, p!.GetValueKind()));
                Assert.True(parts.Count >= 4 && parts.Count % 2 == 0, metric.ToJsonString());
            }
        }
    }

    [Fact]
    public void Backend_metrics_get_calls_and_errors_backlog_and_sessions_and_mean_times_from_sum_over_count()
    {
        var widgets = Widgets(DashboardBody.Render(Ec2 with { AppNamespace = "ConvexInfra/prod-acme", AppMetrics = AppMetrics.All }));
        var app = widgets.Where(w => w["properties"]!["metrics"]!.AsArray().Any(m => m![0]!.GetValueKind() == JsonValueKind.String && m[0]!.GetValue<string>() == "ConvexInfra/prod-acme")).ToList();

        Assert.Equal(
            ["Functions: calls and system errors (per 5 min)", "Scheduled-job backlog (s) and sync sessions", "Mean function and DB index query time (s)"],
            app.Select(w => w["properties"]!["title"]!.GetValue<string>()));
        var errors = app[0]["properties"]!["metrics"]!.AsArray()[1]!.AsArray();
        Assert.Equal(["ConvexInfra/prod-acme", "application_function_runner_total_seconds_count", "job", "convex-backend", "status", "error"], errors.Take(6).Select(n => n!.GetValue<string>()));
        var means = app[2]["properties"]!["metrics"]!.AsArray();
        var expressions = means.Select(m => m![0]).OfType<JsonObject>().Where(o => o["expression"] is not null).Select(o => o["expression"]!.GetValue<string>()).ToList();
        Assert.Equal(["fnsec/calls", "dbsec/queries"], expressions);
        var ids = means.Select(m => m!.AsArray().Last()).OfType<JsonObject>().Where(o => o["visible"] is not null).Select(o => o["id"]!.GetValue<string>()).ToList();
        Assert.Equal(["calls", "fnsec", "queries", "dbsec"], ids);
    }

    [Fact]
    public void Dev_metrics_show_errors_and_backlog_without_the_mean_time_widget()
    {
        var dev = AppMetrics.For(ConvexInfra.Core.Tests.Fixtures.TestSpecs.Ec2Dev);
        var titles = Widgets(DashboardBody.Render(Ec2 with { AppNamespace = "ConvexInfra/dev-acme", AppMetrics = dev }))
            .Select(w => w["properties"]!["title"]!.GetValue<string>()).ToList();

        Assert.Contains("Functions: calls and system errors (per 5 min)", titles);
        Assert.DoesNotContain("Mean function and DB index query time (s)", titles);
    }

    [Fact]
    public void Nothing_to_show_is_an_error()
    {
        var error = Assert.Throws<ArgumentException>(() => DashboardBody.Render(new DashboardTargets("eu-west-1", null, null, null, null, null, null, null)));

        Assert.Contains("Ec2InstanceId", error.Message, StringComparison.Ordinal);
    }

    /// <summary>cfn-lint checks alarm enums (comparison, statistic, missing-data), container definitions, schedule and IAM shapes.</summary>
    [Fact]
    public void Alarms_export_task_schedule_policy_and_dashboard_pass_cfn_lint()
    {
        var resources = new JsonObject();
        var inputs = new MonitoringInputs(true, true, true, true, 100, 4096, "ConvexInfra/prod-acme", AppMetrics.All);
        foreach (var alarm in MonitoringPlan.Alarms(inputs))
        {
            var dimensions = new JsonArray(alarm.DimensionNames.Select(name => (JsonNode)new JsonObject { ["Name"] = name, ["Value"] = "x" }).ToArray());
            resources[Pascal(alarm.Key)] = new JsonObject
            {
                ["Type"] = "AWS::CloudWatch::Alarm",
                ["Properties"] = new JsonObject
                {
                    ["AlarmDescription"] = alarm.Description,
                    ["Namespace"] = alarm.Namespace,
                    ["MetricName"] = alarm.MetricName,
                    ["Statistic"] = alarm.Statistic,
                    ["Period"] = alarm.PeriodSeconds,
                    ["EvaluationPeriods"] = alarm.EvaluationPeriods,
                    ["Threshold"] = alarm.Threshold,
                    ["ComparisonOperator"] = alarm.ComparisonOperator,
                    ["TreatMissingData"] = alarm.TreatMissingData,
                    ["Dimensions"] = dimensions,
                    ["AlarmActions"] = alarm.RecoverInstance ? new JsonArray(AlarmDefinition.RecoverActionArn("aws", "us-east-1")) : new JsonArray(),
                },
            };
        }

        var values = new ExportTaskValues("us-east-1", "https://api.example.com", "arn:aws:ssm:us-east-1:123456789012:parameter/p/admin-key", "/p/export",
            "p-exports-1a2b", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        resources["ExportTask"] = new JsonObject
        {
            ["Type"] = "AWS::ECS::TaskDefinition",
            ["Properties"] = new JsonObject
            {
                ["RequiresCompatibilities"] = new JsonArray("FARGATE"),
                ["NetworkMode"] = "awsvpc",
                ["Cpu"] = ExportTask.Cpu.ToString(CultureInfo.InvariantCulture),
                ["Memory"] = ExportTask.MemoryMb.ToString(CultureInfo.InvariantCulture),
                ["ExecutionRoleArn"] = "arn:aws:iam::123456789012:role/exec",
                ["ContainerDefinitions"] = CfnContainerDefinitions(ExportTask.ContainerDefinitions(values)),
            },
        };
        resources["ExportSchedule"] = new JsonObject
        {
            ["Type"] = "AWS::Scheduler::Schedule",
            ["Properties"] = new JsonObject
            {
                ["ScheduleExpression"] = BackupPlan.DailySchedule,
                ["FlexibleTimeWindow"] = new JsonObject { ["Mode"] = "OFF" },
                ["Target"] = new JsonObject { ["Arn"] = "arn:aws:ecs:us-east-1:123456789012:cluster/c", ["RoleArn"] = "arn:aws:iam::123456789012:role/s" },
            },
        };
        resources["SchedulerPolicy"] = new JsonObject
        {
            ["Type"] = "AWS::IAM::ManagedPolicy",
            ["Properties"] = new JsonObject
            {
                ["PolicyDocument"] = JsonNode.Parse(OpsPolicies.SchedulerRunExportTask(
                    "arn:aws:ecs:us-east-1:123456789012:task-definition/export:1", "arn:aws:ecs:us-east-1:123456789012:cluster/c", ["arn:aws:iam::123456789012:role/exec"])),
            },
        };
        resources["AlarmTopicPolicy"] = new JsonObject
        {
            ["Type"] = "AWS::SNS::TopicPolicy",
            ["Properties"] = new JsonObject
            {
                ["Topics"] = new JsonArray("arn:aws:sns:us-east-1:123456789012:prod-alarms"),
                ["PolicyDocument"] = JsonNode.Parse(OpsPolicies.AlarmTopicPolicy("arn:aws:sns:us-east-1:123456789012:prod-alarms", "123456789012")),
            },
        };
        resources["TaskStopped"] = new JsonObject
        {
            ["Type"] = "AWS::Events::Rule",
            ["Properties"] = new JsonObject { ["EventPattern"] = JsonNode.Parse(OpsPolicies.TaskStoppedPattern("arn:aws:ecs:us-east-1:123456789012:cluster/c")) },
        };
        resources["Dashboard"] = new JsonObject
        {
            ["Type"] = "AWS::CloudWatch::Dashboard",
            ["Properties"] = new JsonObject { ["DashboardBody"] = DashboardBody.Render(Ec2 with { AppNamespace = "ConvexInfra/prod-acme", AppMetrics = AppMetrics.All }) },
        };
        var template = new JsonObject { ["AWSTemplateFormatVersion"] = "2010-09-09", ["Resources"] = resources }.ToJsonString();

        using var dir = new TempDir();
        var file = dir.Write("ops.json", template);
        var result = ExternalTool.Run("cfn-lint", ["--", file], timeout: TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, $"cfn-lint exited {result.ExitCode}:\n{result.Output}\n{template}");
    }

    [Fact]
    public void Cfn_lint_catches_a_wrong_comparison_operator()
    {
        using var dir = new TempDir();
        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Resources"] = new JsonObject
            {
                ["Bad"] = new JsonObject
                {
                    ["Type"] = "AWS::CloudWatch::Alarm",
                    ["Properties"] = new JsonObject
                    {
                        ["Namespace"] = "AWS/RDS",
                        ["MetricName"] = "CPUUtilization",
                        ["Statistic"] = "Average",
                        ["Period"] = 300,
                        ["EvaluationPeriods"] = 1,
                        ["Threshold"] = 1,
                        ["ComparisonOperator"] = "GreaterThanOrEqual",
                    },
                },
            },
        }.ToJsonString();

        var result = ExternalTool.Run("cfn-lint", ["--", dir.Write("bad.json", template)], timeout: TimeSpan.FromSeconds(120));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("GreaterThanOrEqual", result.Output, StringComparison.Ordinal);
    }

    private static List<JsonNode> Widgets(string body) => JsonNode.Parse(body)!["widgets"]!.AsArray().Select(w => w!).ToList();

    private static string Pascal(string key) => string.Concat(key.Split('-').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    /// <summary>ECS's API JSON is camelCase; CloudFormation spells the same fields in PascalCase.</summary>
    private static JsonNode CfnContainerDefinitions(string ecsJson) => Recase(JsonNode.Parse(ecsJson)!, inOptions: false);

    private static JsonNode Recase(JsonNode node, bool inOptions) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(
            inOptions ? p.Key : char.ToUpperInvariant(p.Key[0]) + p.Key[1..],
            (JsonNode?)Recase(p.Value!, p.Key == "options")))),
        JsonArray array => new JsonArray(array.Select(item => (JsonNode?)Recase(item!, false)).ToArray()),
        _ => JsonNode.Parse(node.ToJsonString())!,
    };
}
