using System.Globalization;
using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// The recovery point objective a stack's configuration gives, per layer (docs/dr.md renders them for the repository's
/// stack files). Database: RDS point-in-time restore reaches the latest restorable time, which trails by about
/// <see cref="RdsLogUploadMinutes"/> (RDS uploads transaction logs to S3 every 5 minutes: AWS RDS User Guide,
/// USER_PIT "Restoring a DB instance to a specified time"), and none without automated backups. Files and the portable
/// copy: the interval of the export schedule. The recovery time is not stated here: nothing measures it yet.
/// </summary>
public sealed record RecoveryObjectives(string DatabaseRpo, string ExportRpo, int RdsRetentionDays, int ExportRetentionDays, ExportLock ExportLock)
{
    public const int RdsLogUploadMinutes = 5;

    /// <summary>Hours in a month, only to turn the schedule's runs a month into an interval.</summary>
    private const int HoursPerMonth = 730;

    public static RecoveryObjectives For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var backups = BackupPlan.For(spec);
        var database = spec.Target == DeploymentTarget.Local
            ? "none (local database: exports only)"
            : backups.RdsBackupRetentionDays > 0 ? $"≈ {RdsLogUploadMinutes} min (point-in-time restore)" : "none (backupRetentionDays 0)";
        var runs = ScheduleRuns.PerMonth(backups.ExportSchedule, HoursPerMonth);
        var hours = runs > 0 ? HoursPerMonth / runs : 0;
        var local = spec.Local?.Backups;
        var export = spec.Target == DeploymentTarget.Local
            ? local is null ? "manual (convex-infra backup; or set localBackupDir)" : $"{local.IntervalHours} h ({Destination(local)})"
            : hours >= 48 ? $"{(hours / 24).ToString("0.#", CultureInfo.InvariantCulture)} days" : $"{hours.ToString("0.#", CultureInfo.InvariantCulture)} h";
        var kept = spec.Target == DeploymentTarget.Local ? local?.RetentionDays ?? 0 : backups.ExportRetentionDays;
        return new RecoveryObjectives(database, export, backups.RdsBackupRetentionDays, kept, backups.ExportLock);
    }

    private static string Destination(LocalBackupSpec local) => (local.Folder, local.Bucket) switch
    {
        (not null, not null) => "localBackupDir + localBackupBucket",
        (null, not null) => "localBackupBucket",
        _ => "localBackupDir",
    };
}
