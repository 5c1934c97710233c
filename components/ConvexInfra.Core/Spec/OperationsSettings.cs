namespace ConvexInfra.Core.Spec;

/// <summary>Protection, monitoring, backend tuning and secret rotation settings.</summary>
internal static class OperationsSettings
{
    /// <summary>One switch drives all four safeguards: deletion protection, final snapshot and retained buckets go together.</summary>
    public static ProtectionSpec Protection(ReadContext context)
    {
        var protect = context.Values.Bool(SettingKeys.ProtectData) ?? context.Defaults.ProtectData;
        return new ProtectionSpec(protect, protect, protect, protect);
    }

    public static MonitoringSpec Monitoring(ReadContext context)
    {
        var values = context.Values;
        var alarmEmail = values.Text(SettingKeys.AlarmEmail, ValueRules.Email);
        var logDays = values.Int(SettingKeys.LogRetentionDays, 0, int.MaxValue);
        if (logDays is not null && !CloudWatchRetention.IsAllowed(logDays.Value))
        {
            values.FailValue(SettingKeys.LogRetentionDays,
                $"a retention CloudWatch allows, e.g. {CloudWatchRetention.Nearest(logDays.Value)} (allowed: {string.Join(", ", CloudWatchRetention.AllowedDays)})");
            logDays = null;
        }

        return new MonitoringSpec(alarmEmail, logDays ?? context.Defaults.LogRetentionDays);
    }

    /// <param name="compute">The machine the backend runs on: its memory sizes the concurrency defaults.</param>
    public static BackendTuning Backend(ReadContext context, ComputeSpec compute)
    {
        var values = context.Values;
        var retention = values.Int(SettingKeys.DocumentRetentionDelaySeconds, 0, 31_536_000) ?? TierDefaults.DocumentRetentionDelaySeconds;
        var rustLog = values.Text(SettingKeys.RustLog, ValueRules.RustLog) ?? TierDefaults.RustLog;
        var disableBeacon = values.Bool(SettingKeys.DisableBeacon) ?? false;
        var redact = values.Bool(SettingKeys.RedactLogsToClient) ?? context.Defaults.RedactLogsToClient;
        var knobs = BackendKnobs.Apply(
            BackendKnobs.Defaults(context.Target ?? DeploymentTarget.Local, compute),
            values.Map(SettingKeys.BackendTuning) ?? new SortedDictionary<string, string>(StringComparer.Ordinal),
            (entry, given, expected, example) => values.FailEntry(SettingKeys.BackendTuning, entry, given, expected, example));
        return new BackendTuning(retention, rustLog, disableBeacon, redact) { Knobs = knobs };
    }

    public static SecretRotation Rotation(ReadContext context)
    {
        var values = context.Values;
        return new SecretRotation(
            values.Int(SettingKeys.InstanceSecretVersion, 0, int.MaxValue) ?? 0,
            values.Int(SettingKeys.AdminKeyVersion, 0, int.MaxValue) ?? 0);
    }

    public static RolloutSpec Rollout(ReadContext context)
    {
        var values = context.Values;
        return new RolloutSpec(
            values.Int(SettingKeys.HostReportTimeoutMinutes, 1, 180) ?? RolloutSpec.DefaultHostReportTimeoutMinutes,
            values.Int(SettingKeys.BackendHealthTimeoutMinutes, 1, 120) ?? RolloutSpec.DefaultBackendHealthTimeoutMinutes,
            values.Int(SettingKeys.ExportTimeoutMinutes, 5, 720) ?? RolloutSpec.DefaultExportTimeoutMinutes,
            values.Text(SettingKeys.PatchWindow, PatchWindow.Problem) is { } window ? PatchWindow.TryParse(window)! : context.Defaults.PatchWindow);
    }
}
