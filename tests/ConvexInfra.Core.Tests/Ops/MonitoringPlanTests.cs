using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Tests.Ops;

public class MonitoringPlanTests
{
    private static readonly MonitoringInputs Ec2Stack = new(HasEc2Instance: true, HasDatabase: true, HasApiHealthCheck: true, HasLoadBalancerTargets: false, 100, 4096);
    private static readonly MonitoringInputs EcsStack = new(HasEc2Instance: false, HasDatabase: true, HasApiHealthCheck: false, HasLoadBalancerTargets: true, 50, 2048);

    [Fact]
    public void Ec2_stack_gets_status_checks_database_and_health_alarms()
    {
        var keys = MonitoringPlan.Alarms(Ec2Stack).Select(a => a.Key).ToList();

        Assert.Equal(
            ["host-system-check", "host-instance-check", "host-cpu", "host-release", "database-cpu", "database-free-storage", "database-freeable-memory", "api-health"],
            keys);
    }

    [Fact]
    public void Ecs_stack_watches_load_balancer_targets_instead_of_a_host()
    {
        var alarms = MonitoringPlan.Alarms(EcsStack);

        Assert.DoesNotContain(alarms, a => a.Subject == AlarmSubject.Ec2Instance);
        var targets = Assert.Single(alarms, a => a.Key == "api-healthy-targets");
        Assert.Equal(["TargetGroup", "LoadBalancer"], targets.DimensionNames);
        Assert.Equal("breaching", targets.TreatMissingData);
        var target5xx = Assert.Single(alarms, a => a.Key == "api-target-5xx");
        Assert.Equal(("HTTPCode_Target_5XX_Count", "Sum"), (target5xx.MetricName, target5xx.Statistic));
        Assert.Equal(["TargetGroup", "LoadBalancer"], target5xx.DimensionNames);
        var lb5xx = Assert.Single(alarms, a => a.Key == "api-lb-5xx");
        Assert.Equal(("HTTPCode_ELB_5XX_Count", "notBreaching"), (lb5xx.MetricName, lb5xx.TreatMissingData));
        Assert.Equal(["LoadBalancer"], lb5xx.DimensionNames);
    }

    [Fact]
    public void Backend_metrics_get_an_error_and_a_scheduler_alarm_in_the_stacks_namespace()
    {
        var spec = ConvexInfra.Core.Tests.Fixtures.TestSpecs.Ec2Prod;
        var alarms = MonitoringPlan.Alarms(StackMonitoring.Inputs(spec)).Where(a => a.Subject == AlarmSubject.Application).ToList();

        Assert.Equal(["app-function-errors", "app-scheduler-backlog"], alarms.Select(a => a.Key));
        Assert.All(alarms, a => Assert.Equal(AppMetrics.Namespace(spec), a.Namespace));
        var errors = alarms[0];
        Assert.Equal(("application_function_runner_total_seconds_count", "Sum", MonitoringPlan.FunctionErrorsPer5Minutes), (errors.MetricName, errors.Statistic, errors.Threshold));
        Assert.Equal(new KeyValuePair<string, string>[] { new("job", "convex-backend"), new("status", "error") }, errors.FixedDimensions!);
        Assert.Equal(["job", "status"], errors.DimensionNames);
        var backlog = alarms[1];
        Assert.Equal(("scheduled_job_backlog_seconds", "Maximum", 300.0, 3), (backlog.MetricName, backlog.Statistic, backlog.Threshold, backlog.EvaluationPeriods));
        Assert.Equal(["job"], backlog.DimensionNames);
        Assert.DoesNotContain(MonitoringPlan.Alarms(Ec2Stack), a => a.Subject == AlarmSubject.Application);
    }

    [Fact]
    public void Every_alarm_dimension_of_a_backend_metric_is_one_the_agent_config_produces()
    {
        var spec = ConvexInfra.Core.Tests.Fixtures.TestSpecs.EcsStaging;
        var declarations = System.Text.Json.Nodes.JsonNode.Parse(CloudWatchAgentConfig.AgentJson(spec, "/p.yaml"))!
            ["logs"]!["metrics_collected"]!["prometheus"]!["emf_processor"]!["metric_declaration"]!.AsArray();

        foreach (var alarm in MonitoringPlan.Alarms(StackMonitoring.Inputs(spec)).Where(a => a.Subject == AlarmSubject.Application))
        {
            Assert.Contains(declarations, d =>
                d!["metric_selectors"]![0]!.GetValue<string>() == $"^{alarm.MetricName}$"
                && d["dimensions"]![0]!.AsArray().Select(n => n!.GetValue<string>()).SequenceEqual(alarm.DimensionNames));
        }
    }

    [Fact]
    public void Only_the_system_status_check_recovers_the_instance()
    {
        var recovering = Assert.Single(MonitoringPlan.Alarms(Ec2Stack), a => a.RecoverInstance);

        Assert.Equal("StatusCheckFailed_System", recovering.MetricName);
        Assert.Equal("AWS/EC2", recovering.Namespace);
        Assert.Equal("arn:aws:automate:eu-west-1:ec2:recover", AlarmDefinition.RecoverActionArn("aws", "eu-west-1"));
    }

    [Fact]
    public void Storage_and_memory_thresholds_scale_with_the_database()
    {
        var alarms = MonitoringPlan.Alarms(Ec2Stack);

        var storage = Assert.Single(alarms, a => a.MetricName == "FreeStorageSpace");
        Assert.Equal(10.0 * 1024 * 1024 * 1024, storage.Threshold);
        Assert.Equal(MonitoringPlan.CompareLess, storage.ComparisonOperator);
        var memory = Assert.Single(alarms, a => a.MetricName == "FreeableMemory");
        Assert.Equal(409.6 * 1024 * 1024, memory.Threshold, precision: 0);
        Assert.Contains("100 GiB", storage.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_database_memory_leaves_out_only_the_memory_alarm()
    {
        var alarms = MonitoringPlan.Alarms(Ec2Stack with { DatabaseMemoryMb = null });

        Assert.DoesNotContain(alarms, a => a.MetricName == "FreeableMemory");
        Assert.Contains(alarms, a => a.MetricName == "FreeStorageSpace");
    }

    [Fact]
    public void Health_check_alarm_lives_in_us_east_1_and_missing_data_means_down()
    {
        var health = Assert.Single(MonitoringPlan.Alarms(Ec2Stack), a => a.Subject == AlarmSubject.ApiHealthCheck);

        Assert.True(health.LivesInUsEast1);
        Assert.Equal("breaching", health.TreatMissingData);
        Assert.Equal(["HealthCheckId"], health.DimensionNames);
        Assert.DoesNotContain(MonitoringPlan.Alarms(Ec2Stack), a => a.LivesInUsEast1 && a.Subject != AlarmSubject.ApiHealthCheck);
    }

    [Fact]
    public void Every_alarm_is_well_formed()
    {
        foreach (var alarm in MonitoringPlan.Alarms(Ec2Stack).Concat(MonitoringPlan.Alarms(EcsStack)))
        {
            Assert.True(alarm.PeriodSeconds is 10 or 30 || alarm.PeriodSeconds % 60 == 0, alarm.Key);
            Assert.InRange(alarm.EvaluationPeriods, 1, 5);
            Assert.Contains(alarm.Statistic, new[] { "Average", "Minimum", "Maximum", "Sum", "SampleCount" });
            Assert.False(string.IsNullOrWhiteSpace(alarm.Description));
        }
    }

    [Fact]
    public void Database_without_storage_size_is_rejected_with_the_field_names()
    {
        var error = Assert.Throws<ArgumentException>(() => MonitoringPlan.Alarms(Ec2Stack with { DatabaseAllocatedStorageGb = 0 }));

        Assert.Contains("DatabaseAllocatedStorageGb=0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("db.t4g.micro", 1024)]
    [InlineData("db.t4g.medium", 4096)]
    [InlineData("db.m7g.large", 8192)]
    [InlineData("db.r7g.xlarge", 32768)]
    [InlineData("db.m7g.4xlarge", 65536)]
    public void Database_memory_of_known_classes(string instanceClass, int expectedMb) =>
        Assert.Equal(expectedMb, DatabaseMemory.MegabytesOf(instanceClass));

    [Theory]
    [InlineData("db.x2g.large")]
    [InlineData("t4g.medium")]
    [InlineData("db.t4g.huge")]
    [InlineData("db.m7g.0xlarge")]
    public void Database_memory_of_unknown_classes_is_null(string instanceClass) =>
        Assert.Null(DatabaseMemory.MegabytesOf(instanceClass));

    [Fact]
    public void Ec2_stack_alarms_on_a_failed_or_rolled_back_release()
    {
        var alarm = Assert.Single(MonitoringPlan.Alarms(Ec2Stack), a => a.Subject == AlarmSubject.HostRelease);

        Assert.Equal(("ConvexInfra/Host", "ReleaseFailures", "Maximum"), (alarm.Namespace, alarm.MetricName, alarm.Statistic));
        Assert.Equal((1.0, MonitoringPlan.CompareGreaterOrEqual, "notBreaching"), (alarm.Threshold, alarm.ComparisonOperator, alarm.TreatMissingData));
        Assert.Equal(["Stack"], alarm.DimensionNames);
        Assert.DoesNotContain(MonitoringPlan.Alarms(EcsStack), a => a.Subject == AlarmSubject.HostRelease);
    }
}
