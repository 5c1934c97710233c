namespace ConvexInfra.Core.Spec;

/// <summary>Reads the reserved settings of <see cref="ExtensionSettings"/>; types are checked, features come later.</summary>
internal static class ExtensionSettingsReader
{
    public static ExtensionSettings Read(SettingValues values)
    {
        var siteUrl = values.Text(SettingKeys.ConvexAuthSiteUrl, ValueRules.HttpsUrl);
        var env = values.Map(SettingKeys.DeploymentEnv) ?? new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in env.Keys)
        {
            var problem = ValueRules.EnvironmentVariableName(name);
            if (problem is not null)
            {
                values.FailValue(SettingKeys.DeploymentEnv, $"{problem} ('{name}' does not)");
            }
        }

        return new ExtensionSettings
        {
            ConvexAuth = values.Bool(SettingKeys.ConvexAuth) ?? false,
            ConvexAuthSiteUrl = siteUrl is null ? null : new Uri(siteUrl),
            DeploymentEnv = env,
            HasDeploymentEnvSecrets = values.SecretPresent(SettingKeys.DeploymentEnvSecrets),
            DeploymentEnvPrune = values.Bool(SettingKeys.DeploymentEnvPrune) ?? false,
            ExportSchedule = values.Text(SettingKeys.ExportSchedule, ScheduleExpression.Problem),
            AllowRevisionDowngrade = values.Bool(SettingKeys.AllowRevisionDowngrade) ?? false,
        };
    }
}
