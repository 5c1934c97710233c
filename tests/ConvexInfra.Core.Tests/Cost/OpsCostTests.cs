using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Aws;

namespace ConvexInfra.Core.Tests.Cost;

/// <summary>What backups and monitoring add to a stack's monthly cost.</summary>
public class OpsCostTests
{
    private static Dictionary<string, decimal> Lines(CostEstimate estimate, string category) =>
        estimate.Lines.Where(l => l.Category == category).ToDictionary(l => l.Item, l => l.MonthlyUsd);

    [Fact]
    public void Dev_ec2_pays_for_a_weekly_export_ten_alarms_two_backend_metrics_the_dashboard_and_the_health_check()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.DevEc2());

        Assert.Equal(
            new Dictionary<string, decimal>
            {
                ["Export task (Fargate x86)"] = 0.02m, // 4.35 runs × 10 min × (0.5 × 0.04048 + 1 × 0.004445)/h
                ["EventBridge Scheduler"] = 0m,
            },
            Lines(estimate, CostCategory.Backups));
        Assert.Equal(
            new Dictionary<string, decimal>
            {
                ["CloudWatch alarms"] = 1.00m,       // 3 host + 3 database + api-health + host-release + 2 backend, × 0.10
                ["CloudWatch dashboard"] = 3.00m,
                ["Route 53 health check"] = 1.50m,   // AWS endpoint 0.50 + HTTPS 1.00
                ["SNS alarm topics"] = 0m,
                ["EventBridge task-stopped rule"] = 0m,
                ["CloudWatch custom metrics"] = 0.60m, // dev: function errors and scheduler backlog, × 0.30
                ["Metric events (EMF logs)"] = 0.03m,  // 2 × 0.03 GB × (0.50 + 7/30.42 × 0.03)
                ["CloudWatch Logs storage"] = 0.01m, // 1 GB × 7/30.42 months × 0.03
            },
            Lines(estimate, CostCategory.Monitoring));
        Assert.Equal(33.22m + 0.02m + 6.14m, estimate.MonthlyTotalUsd);
        Assert.Contains("4.35 runs a month", estimate.Lines.Single(l => l.Item == "Export task (Fargate x86)").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Prod_exports_daily_and_keeps_logs_longer()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.ProdEc2());
        var backups = Lines(estimate, CostCategory.Backups);
        var monitoring = Lines(estimate, CostCategory.Monitoring);

        Assert.Equal(0.13m, backups["Export task (Fargate x86)"]); // 30.42 runs × 10 min
        Assert.Equal(0.09m, monitoring["CloudWatch Logs storage"]); // 90 days
        Assert.Equal(MonitoringPlan.Alarms(StackMonitoring.Inputs(AwsTestSpecs.ProdEc2())).Count * 0.10m, monitoring["CloudWatch alarms"]);
    }

    [Fact]
    public void Ecs_has_no_host_alarms_and_a_second_topic_outside_us_east_1()
    {
        var spec = AwsTestSpecs.ProdEcs(Core.Spec.EcsSubnetPlacement.Public) with { Region = "eu-west-1" };
        var estimate = CostEstimator.Estimate(spec);

        // 3 database + api-health + 3 load balancer (healthy targets, target 5xx, load balancer 5xx) + 2 backend
        Assert.Equal(0.90m, Lines(estimate, CostCategory.Monitoring)["CloudWatch alarms"]);
        Assert.Equal(2.10m, Lines(estimate, CostCategory.Monitoring)["CloudWatch custom metrics"]);
        Assert.StartsWith("2 topics", estimate.Lines.Single(l => l.Item == "SNS alarm topics").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Local_has_no_backup_or_monitoring_lines()
    {
        var estimate = CostEstimator.Estimate(AwsTestSpecs.Local());

        Assert.All(estimate.Lines, l => Assert.Equal(CostCategory.Infrastructure, l.Category));
    }

    [Fact]
    public void Every_backup_and_monitoring_rate_has_an_as_of_note()
    {
        var prices = PriceTable.UsEast1();
        string[] rates =
        [
            nameof(PriceRates.FargateX86VcpuHourly), nameof(PriceRates.FargateX86GbHourly), nameof(PriceRates.CloudWatchLogsStorageGbMonth),
            nameof(PriceRates.CloudWatchAlarmMonth), nameof(PriceRates.CloudWatchDashboardMonth), nameof(PriceRates.Route53HealthCheckAwsEndpointMonth),
            nameof(PriceRates.Route53HealthCheckOptionalFeatureMonth), nameof(PriceRates.SnsEmailPer100k), nameof(PriceRates.SchedulerPerMillionInvocations), nameof(PriceRates.CloudWatchCustomMetricMonth),
        ];

        Assert.All(rates, rate => Assert.StartsWith("as of ", prices.RateNotes[char.ToLowerInvariant(rate[0]) + rate[1..]], StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("rate(1 day)", 30.42)]
    [InlineData("rate(12 hours)", 60.83)]
    [InlineData("cron(17 3 * * ? *)", 30.42)]
    [InlineData("cron(17 3 ? * SUN *)", 4.35)]
    [InlineData("cron(17 3 ? * MON-FRI *)", 21.73)]
    [InlineData("cron(0 3,15 * * ? *)", 60.83)]
    [InlineData("cron(0 3 1 * ? *)", 1)]
    public void Schedule_runs_a_month(string expression, double expected) =>
        Assert.Equal((decimal)expected, ScheduleRuns.PerMonth(expression, 730));
}
