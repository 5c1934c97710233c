using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// Backups by tier: RDS automated backups (spec.Database.BackupRetentionDays) cover the database; the scheduled
/// logical export (<c>npx convex export --include-file-storage</c>) is the portable backup that also holds the
/// files and restores into any fresh stack. The backend itself writes each export zip into the exports bucket,
/// whose lifecycle rule expires them after <see cref="ExportRetentionDays"/>.
/// </summary>
public sealed record BackupPlan(string ExportSchedule, int ExportRetentionDays, int RdsBackupRetentionDays, bool FinalSnapshot)
{
    /// <summary>03:17 UTC daily: off the hour, when most stacks are quiet.</summary>
    public const string DailySchedule = "cron(17 3 * * ? *)";

    /// <summary>Sundays 03:17 UTC.</summary>
    public const string WeeklySchedule = "cron(17 3 ? * SUN *)";

    public static BackupPlan For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var schedule = spec.Extensions.ExportSchedule ?? (spec.Tier == Tier.Dev ? WeeklySchedule : DailySchedule);
        var retention = spec.Tier switch
        {
            Tier.Prod => 35,
            Tier.Staging => 14,
            _ => 7,
        };
        return new BackupPlan(schedule, retention, spec.Database.BackupRetentionDays, spec.Protection.FinalSnapshot);
    }
}
