using System.Globalization;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Cost;

/// <summary>
/// What the backups and the monitoring of an AWS stack cost: the scheduled export task's Fargate minutes, its
/// schedule, the alarms (counted by <see cref="MonitoringPlan"/>), the dashboard, the API health check, the alarm
/// topics, the task-stopped rule, the backend's custom metrics (<see cref="AppMetrics"/>) with the log events they
/// are extracted from, and the log storage of the retention period.
/// </summary>
internal static class OpsCostLines
{
    public static IEnumerable<CostLine> For(DeploymentSpec spec, PriceTable prices)
    {
        var rates = prices.Rates;
        var assumptions = prices.Assumptions;
        var runs = ScheduleRuns.PerMonth(BackupPlan.For(spec).ExportSchedule, prices.HoursPerMonth);
        var hours = runs * assumptions.ExportMinutesPerRun / 60m;
        var vcpu = ExportTask.Cpu / 1024m;
        var memoryGb = ExportTask.MemoryMb / 1024m;
        var schedule = BackupPlan.For(spec).ExportSchedule;
        yield return Line(CostCategory.Backups, "Export task (Fargate x86)",
            $"{Num(runs)} runs a month ({schedule}) × {Num(assumptions.ExportMinutesPerRun)} min (assumed) × ({Num(vcpu)} vCPU × ${Num(rates.FargateX86VcpuHourly)} + {Num(memoryGb)} GB × ${Num(rates.FargateX86GbHourly)}) per hour",
            hours * ((vcpu * rates.FargateX86VcpuHourly) + (memoryGb * rates.FargateX86GbHourly)));
        yield return Line(CostCategory.Backups, "EventBridge Scheduler",
            $"{Num(runs)} invocations a month × ${Num(rates.SchedulerPerMillionInvocations)} per million", runs * rates.SchedulerPerMillionInvocations / 1_000_000m);

        foreach (var line in BackupCopyLines(spec, prices, runs))
        {
            yield return line;
        }

        var alarms = MonitoringPlan.Alarms(StackMonitoring.Inputs(spec)).Count;
        var topics = StackMonitoring.TopicRegions(spec).Count;
        yield return Line(CostCategory.Monitoring, "CloudWatch alarms", $"{alarms} metric alarms × ${Num(rates.CloudWatchAlarmMonth)}", alarms * rates.CloudWatchAlarmMonth);
        yield return Line(CostCategory.Monitoring, "CloudWatch dashboard", $"1 dashboard × ${Num(rates.CloudWatchDashboardMonth)} (an account's first 3 are free)", rates.CloudWatchDashboardMonth);
        yield return Line(CostCategory.Monitoring, "Route 53 health check",
            $"1 HTTPS check of an AWS endpoint: ${Num(rates.Route53HealthCheckAwsEndpointMonth)} + ${Num(rates.Route53HealthCheckOptionalFeatureMonth)} for HTTPS",
            rates.Route53HealthCheckAwsEndpointMonth + rates.Route53HealthCheckOptionalFeatureMonth);
        yield return Line(CostCategory.Monitoring, "SNS alarm topics",
            $"{topics} topic{(topics > 1 ? "s" : string.Empty)} (free), {Num(assumptions.AlarmEmailsPerMonth)} e-mails a month (assumed) × ${Num(rates.SnsEmailPer100k)} per 100,000",
            assumptions.AlarmEmailsPerMonth * rates.SnsEmailPer100k / 100_000m);
        yield return Line(CostCategory.Monitoring, "EventBridge task-stopped rule", "AWS service events on the default event bus are free", 0m);
        var retentionMonths = spec.Monitoring.LogRetentionDays / (prices.HoursPerMonth / 24m);
        var appMetrics = AppMetrics.For(spec).Count;
        yield return Line(CostCategory.Monitoring, "CloudWatch custom metrics",
            $"{appMetrics} backend metrics ({(spec.Tier == Tier.Dev ? "the alarmed ones on dev" : "full set")}) × ${Num(rates.CloudWatchCustomMetricMonth)}", appMetrics * rates.CloudWatchCustomMetricMonth);
        var metricLogGb = appMetrics * assumptions.AppMetricLogGbPerMetricMonth;
        yield return Line(CostCategory.Monitoring, "Metric events (EMF logs)",
            $"{Num(metricLogGb)} GB a month ({Num(assumptions.AppMetricLogGbPerMetricMonth)} GB per metric, assumed) × ${Num(rates.CloudWatchLogsIngestPerGb)}/GB ingested, kept {spec.Monitoring.LogRetentionDays} days × ${Num(rates.CloudWatchLogsStorageGbMonth)}/GB-month",
            metricLogGb * (rates.CloudWatchLogsIngestPerGb + (retentionMonths * rates.CloudWatchLogsStorageGbMonth)));
        var storedGb = assumptions.LogIngestGbPerMonth * retentionMonths;
        yield return Line(CostCategory.Monitoring, "CloudWatch Logs storage",
            $"{Num(Math.Round(storedGb, 2))} GB kept ({Num(assumptions.LogIngestGbPerMonth)} GB a month for {spec.Monitoring.LogRetentionDays} days) × ${Num(rates.CloudWatchLogsStorageGbMonth)}/GB-month",
            storedGb * rates.CloudWatchLogsStorageGbMonth);
    }

    /// <summary>
    /// The backup copy (<see cref="BackupCopyPlan"/>): each export crosses regions once (transfer and a replication PUT per
    /// object; an export is one zip, assumed <c>exportSizeGb</c>), the copies kept for their lock are stored in the copy
    /// region, its keys cost a month each, and the replicated RDS backups are stored there (about the allocated storage, a
    /// full copy, assumed) after crossing regions once a month (assumed).
    /// </summary>
    private static IEnumerable<CostLine> BackupCopyLines(DeploymentSpec spec, PriceTable prices, decimal exportRuns)
    {
        if (BackupCopyPlan.For(spec) is not { } copy)
        {
            yield break;
        }

        var rates = prices.Rates;
        var size = prices.Assumptions.ExportSizeGb;
        var movedGb = exportRuns * size;
        yield return Line(CostCategory.Backups, "Backup copy: export replication",
            $"{Num(exportRuns)} exports a month × {Num(size)} GB (assumed) × ${Num(rates.S3InterRegionTransferPerGb)}/GB to {copy.Region} + 1 PUT each × ${Num(rates.S3PutPer1000Requests)} per 1,000",
            (movedGb * rates.S3InterRegionTransferPerGb) + (exportRuns * rates.S3PutPer1000Requests / 1000m));
        var keptGb = Math.Round(exportRuns / (prices.HoursPerMonth / 24m) * copy.Lock.Days * size, 2);
        yield return Line(CostCategory.Backups, "Backup copy: stored exports",
            $"{Num(keptGb)} GB kept in {copy.Region} ({copy.Lock.Days} days of exports) × ${Num(rates.S3StandardGbMonth)}/GB-month",
            keptGb * rates.S3StandardGbMonth);
        var keys = copy.ReplicatesDatabaseBackups ? 2 : 1;
        yield return Line(CostCategory.Backups, "Backup copy: KMS keys", $"{keys} key{(keys > 1 ? "s" : string.Empty)} in {copy.Region} × ${Num(rates.KmsKeyMonth)}", keys * rates.KmsKeyMonth);
        if (copy.ReplicatesDatabaseBackups)
        {
            var dbGb = spec.Database.AllocatedStorageGb;
            yield return Line(CostCategory.Backups, "Backup copy: replicated RDS backups",
                $"{dbGb} GB (the allocated storage, assumed) stored in {copy.Region} × ${Num(rates.RdsBackupStorageGbMonth)}/GB-month + moved once a month (assumed) × ${Num(rates.RdsInterRegionTransferPerGb)}/GB",
                dbGb * (rates.RdsBackupStorageGbMonth + rates.RdsInterRegionTransferPerGb));
        }
    }

    private static CostLine Line(string category, string item, string detail, decimal monthly) =>
        new(item, detail, Math.Round(monthly, 2, MidpointRounding.AwayFromZero), category);

    private static string Num(decimal value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
