using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// The disaster-recovery settings of a stack as written (issue 24): the backup copy in another region or account
/// (<see cref="BackupCopyPlan"/> applies the tier defaults) and a database restore (<see cref="DatabaseRestore"/>).
/// </summary>
public sealed record RecoverySettings(
    bool? BackupCopy,
    string? BackupCopyRegion,
    string? BackupCopyRoleArn,
    ExportLockMode? BackupCopyLockMode,
    int? BackupCopyLockDays,
    DatabaseRestore? Restore)
{
    public static RecoverySettings None { get; } = new(null, null, null, null, null, null);
}

/// <summary>Reads <see cref="RecoverySettings"/>; every problem names its key and the fix.</summary>
internal static partial class RecoverySettingsReader
{
    private static readonly Dictionary<string, ExportLockMode> CopyLockModes = new(StringComparer.Ordinal)
    {
        ["governance"] = ExportLockMode.Governance,
        ["compliance"] = ExportLockMode.Compliance,
    };

    private static readonly SettingKey[] CopyKeys =
        [SettingKeys.BackupCopy, SettingKeys.BackupCopyRegion, SettingKeys.BackupCopyRoleArn, SettingKeys.BackupCopyLockMode, SettingKeys.BackupCopyLockDays];

    public static RecoverySettings Read(ReadContext context, string? region)
    {
        var values = context.Values;
        var enabled = values.Bool(SettingKeys.BackupCopy);
        var copyRegion = values.Text(SettingKeys.BackupCopyRegion, ValueRules.AwsRegion);
        var roleArn = values.Text(SettingKeys.BackupCopyRoleArn, RoleArn);
        var lockMode = values.Choice(SettingKeys.BackupCopyLockMode, CopyLockModes);
        var lockDays = values.Int(SettingKeys.BackupCopyLockDays, 1, 3650);
        var restore = ReadRestore(values);

        if (!context.IsAws)
        {
            foreach (var key in CopyKeys.Append(SettingKeys.DbRestoreTime).Append(SettingKeys.DbRestoreSnapshot).Where(values.Has))
            {
                values.FailValue(key, "nothing for a target other than aws-ec2 or aws-ecs: the local target has no RDS and no S3 buckets; remove it");
            }

            return RecoverySettings.None;
        }

        var on = enabled ?? context.Tier == Tier.Prod;
        if (!on)
        {
            foreach (var key in CopyKeys.Skip(1).Where(values.Has))
            {
                values.FailValue(key, $"nothing while {SettingKeys.BackupCopy.FullName} is false; remove it, or set {SettingKeys.BackupCopy.FullName}: true");
            }
        }
        else if (region is not null)
        {
            var resolved = copyRegion ?? BackupCopyPlan.DefaultRegionFor(region);
            if (copyRegion is not null && copyRegion == region)
            {
                values.FailValue(SettingKeys.BackupCopyRegion, $"a region other than the stack's own ({region}): a copy in the same region does not survive its loss. Example: {BackupCopyPlan.DefaultRegionFor(region) ?? "eu-central-1"}");
            }
            else if (resolved is null && !values.Has(SettingKeys.BackupCopyRegion))
            {
                values.FailMissing(SettingKeys.BackupCopyRegion,
                    $"the region of the backup copy: {region} has no default pair (docs/dr.md lists them); set one, e.g. pulumi config set {SettingKeys.BackupCopyRegion.FullName} us-west-2, or set {SettingKeys.BackupCopy.FullName} false");
            }
        }

        return new RecoverySettings(enabled, copyRegion, roleArn, lockMode, lockDays, restore);
    }

    private static DatabaseRestore? ReadRestore(SettingValues values)
    {
        var time = values.Text(SettingKeys.DbRestoreTime, RestoreTime);
        var snapshot = values.Text(SettingKeys.DbRestoreSnapshot, SnapshotId);
        if (values.Has(SettingKeys.DbRestoreTime) && values.Has(SettingKeys.DbRestoreSnapshot))
        {
            values.FailValue(SettingKeys.DbRestoreSnapshot,
                $"either {SettingKeys.DbRestoreTime.FullName} or {SettingKeys.DbRestoreSnapshot.FullName}, not both: one restore at a time; remove one (pulumi config rm …)");
            return null;
        }

        if (time is not null)
        {
            return time == DatabaseRestore.Latest
                ? DatabaseRestore.ToLatest()
                : DatabaseRestore.ToTime(DateTimeOffset.Parse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal));
        }

        return snapshot is null ? null : DatabaseRestore.FromSnapshot(snapshot);
    }

    /// <summary>RFC 3339 in UTC (the provider parses restore_time with time.RFC3339) or the word latest.</summary>
    private static string? RestoreTime(string text) =>
        text == DatabaseRestore.Latest || (UtcTimePattern().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _))
            ? null
            : "a UTC time in RFC 3339 such as 2026-12-01T09:30:00Z (within the backup retention), or latest";

    private static string? SnapshotId(string text) =>
        SnapshotPattern().IsMatch(text)
            ? null
            : "an RDS snapshot identifier such as rds:acme-prod-2026-12-01-03-10 or my-snapshot, or its ARN arn:aws:rds:eu-west-1:123456789012:snapshot:my-snapshot";

    private static string? RoleArn(string text) =>
        RoleArnPattern().IsMatch(text)
            ? null
            : "an IAM role ARN in the copy account such as arn:aws:iam::444444444444:role/convex-infra-backup-copy";

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")]
    private static partial Regex UtcTimePattern();

    [GeneratedRegex("^(arn:aws[a-z-]*:rds:[a-z0-9-]+:[0-9]{12}:snapshot:)?(rds:)?[A-Za-z][A-Za-z0-9-]{0,254}$")]
    private static partial Regex SnapshotPattern();

    [GeneratedRegex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")]
    private static partial Regex RoleArnPattern();
}
