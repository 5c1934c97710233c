using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>S3 Object Lock retention mode of the exports bucket.</summary>
public enum ExportLockMode
{
    /// <summary>Versioned, no lock: the deployment's roles still cannot delete, but an administrator can.</summary>
    None,

    /// <summary>Only a principal granted s3:BypassGovernanceRetention can delete or shorten before the retention ends.</summary>
    Governance,

    /// <summary>Nobody, the root user included, can delete a locked version or shorten its retention.</summary>
    Compliance,
}

/// <summary>The exports bucket's default retention: every new export version is locked for <see cref="Days"/>.</summary>
public sealed record ExportLock(ExportLockMode Mode, int Days)
{
    public bool Enabled => Mode != ExportLockMode.None;

    /// <summary>The mode as the S3 API spells it (PutObjectLockConfiguration DefaultRetention.Mode).</summary>
    public string S3Mode => Mode switch
    {
        ExportLockMode.Governance => "GOVERNANCE",
        ExportLockMode.Compliance => "COMPLIANCE",
        _ => throw new InvalidOperationException("exportLockMode none has no S3 retention mode"),
    };
}

/// <summary>
/// Backups by tier: RDS automated backups (spec.Database.BackupRetentionDays) cover the database; the scheduled
/// logical export (<c>npx convex export --include-file-storage</c>) is the portable backup that also holds the
/// files and restores into any fresh stack. The backend itself writes each export zip into the exports bucket,
/// whose lifecycle rule expires them after <see cref="ExportRetentionDays"/>; the bucket is versioned and, unless
/// <see cref="ExportLock"/> says none, each export is locked against deletion for its retention.
/// </summary>
public sealed record BackupPlan(string ExportSchedule, int ExportRetentionDays, int RdsBackupRetentionDays, bool FinalSnapshot, ExportLock ExportLock)
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

        // Prod: not even a stolen administrator can erase the backups; staging: an administrator can, deliberately;
        // dev: no lock, so a dev stack can still be destroyed with its buckets.
        var mode = spec.Extensions.ExportLockMode ?? spec.Tier switch
        {
            Tier.Prod => ExportLockMode.Compliance,
            Tier.Staging => ExportLockMode.Governance,
            _ => ExportLockMode.None,
        };
        var exportLock = new ExportLock(mode, spec.Extensions.ExportLockDays ?? retention);
        return new BackupPlan(schedule, retention, spec.Database.BackupRetentionDays, spec.Protection.FinalSnapshot, exportLock);
    }
}
