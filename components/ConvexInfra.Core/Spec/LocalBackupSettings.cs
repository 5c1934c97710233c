namespace ConvexInfra.Core.Spec;

/// <summary>
/// localBackupDir, localBackupBucket (+ its secret key pair), localBackupIntervalHours, localBackupRetentionDays:
/// scheduled exports of the local target. Each error names its key; the interval, retention and key pair are refused
/// without a destination. Folder and bucket may both be set: the folder is the quick restore on this machine, the bucket
/// the copy that survives the machine, and one exporter writes the export once and hands it to both. Like the local
/// ports they are checked on every target (a stack switched to local later is already valid) and used only by target local.
/// </summary>
internal static class LocalBackupSettings
{
    private const string Destination = "a localBackupDir or localBackupBucket as well: without a destination there are no scheduled exports";

    public static LocalBackupSpec? Read(ReadContext context)
    {
        var values = context.Values;
        var folder = values.Text(SettingKeys.LocalBackupDir, Folder);
        var bucket = LocalBackupBucketSettings.Read(values);
        var interval = values.Int(SettingKeys.LocalBackupIntervalHours, 1, 168);
        var retention = values.Int(SettingKeys.LocalBackupRetentionDays, 1, 365);
        if (!values.Has(SettingKeys.LocalBackupDir) && !values.Has(SettingKeys.LocalBackupBucket))
        {
            foreach (var key in new[] { SettingKeys.LocalBackupIntervalHours, SettingKeys.LocalBackupRetentionDays }.Where(values.Has))
            {
                values.FailValue(key, Destination);
            }

            return null;
        }

        if (interval is { } hours && retention is { } days && days * 24 < hours)
        {
            values.FailValue(SettingKeys.LocalBackupRetentionDays,
                $"at least {(hours + 23) / 24} day(s): exports every {hours} h kept for less would delete each one before the next is written");
            return null;
        }

        var invalid = (values.Has(SettingKeys.LocalBackupDir) && folder is null)
            || (values.Has(SettingKeys.LocalBackupBucket) && bucket is null)
            || (values.Has(SettingKeys.LocalBackupIntervalHours) && interval is null)
            || (values.Has(SettingKeys.LocalBackupRetentionDays) && retention is null);
        return invalid
            ? null
            : new LocalBackupSpec(folder?.TrimEnd('/'), interval ?? LocalBackupSpec.DefaultIntervalHours, retention ?? LocalBackupSpec.DefaultRetentionDays, bucket);
    }

    /// <summary>An absolute host path Docker can bind-mount: no relative parts, no ':' (the mount separator), no newline.</summary>
    private static string? Folder(string path) =>
        path.StartsWith('/') && path.Length > 1 && !path.Contains(':', StringComparison.Ordinal) && !path.Any(char.IsControl)
            && !path.Split('/').Any(part => part is "." or "..")
            ? null
            : "an absolute host folder such as /var/backups/convex-local (no '.' or '..' parts, no ':'), which Docker mounts into the export container";
}
