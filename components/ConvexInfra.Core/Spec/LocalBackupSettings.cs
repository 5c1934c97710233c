namespace ConvexInfra.Core.Spec;

/// <summary>
/// localBackupDir, localBackupIntervalHours, localBackupRetentionDays: scheduled exports of the local target. Each error
/// names its key; the interval and retention are refused without a folder. Like the local ports they are checked on
/// every target (a stack switched to local later is already valid) and used only by target local.
/// </summary>
internal static class LocalBackupSettings
{
    public static LocalBackupSpec? Read(ReadContext context)
    {
        var values = context.Values;
        var folder = values.Text(SettingKeys.LocalBackupDir, Folder);
        var interval = values.Int(SettingKeys.LocalBackupIntervalHours, 1, 168);
        var retention = values.Int(SettingKeys.LocalBackupRetentionDays, 1, 365);
        SettingKey[] keys = [SettingKeys.LocalBackupDir, SettingKeys.LocalBackupIntervalHours, SettingKeys.LocalBackupRetentionDays];
        if (!values.Has(SettingKeys.LocalBackupDir))
        {
            foreach (var key in keys.Skip(1).Where(values.Has))
            {
                values.FailValue(key, "a localBackupDir as well: without a folder there are no scheduled exports to time or keep");
            }

            return null;
        }

        if (interval is { } hours && retention is { } days && days * 24 < hours)
        {
            values.FailValue(SettingKeys.LocalBackupRetentionDays,
                $"at least {(hours + 23) / 24} day(s): exports every {hours} h kept for less would delete each one before the next is written");
            return null;
        }

        return folder is null || (values.Has(SettingKeys.LocalBackupIntervalHours) && interval is null) || (values.Has(SettingKeys.LocalBackupRetentionDays) && retention is null)
            ? null
            : new LocalBackupSpec(folder.TrimEnd('/'), interval ?? LocalBackupSpec.DefaultIntervalHours, retention ?? LocalBackupSpec.DefaultRetentionDays);
    }

    /// <summary>An absolute host path Docker can bind-mount: no relative parts, no ':' (the mount separator), no newline.</summary>
    private static string? Folder(string path) =>
        path.StartsWith('/') && path.Length > 1 && !path.Contains(':', StringComparison.Ordinal) && !path.Any(char.IsControl)
            && !path.Split('/').Any(part => part is "." or "..")
            ? null
            : "an absolute host folder such as /var/backups/convex-local (no '.' or '..' parts, no ':'), which Docker mounts into the export container";
}
