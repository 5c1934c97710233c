using ConvexInfra.Core.ConvexAuth;
using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Spec;

/// <summary>Reads <see cref="ExtensionSettings"/>: Convex Auth and deployment variables are checked as the backend will; the rest is typed for later features.</summary>
internal static class ExtensionSettingsReader
{
    public static ExtensionSettings Read(SettingValues values)
    {
        var convexAuth = values.Bool(SettingKeys.ConvexAuth) ?? false;
        var siteUrl = values.Text(SettingKeys.ConvexAuthSiteUrl, SiteUrlRule);
        if (convexAuth && siteUrl is null && !values.Has(SettingKeys.ConvexAuthSiteUrl))
        {
            values.FailMissing(SettingKeys.ConvexAuthSiteUrl, "the app's URL (SITE_URL) when convexAuth is true, e.g. https://app.example.com");
        }

        var env = values.Map(SettingKeys.DeploymentEnv) ?? new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var problem in DeploymentEnvRules.Problems(env))
        {
            values.FailValue(SettingKeys.DeploymentEnv, problem);
        }

        if (convexAuth)
        {
            foreach (var name in ConvexAuthNames.Where(env.ContainsKey))
            {
                values.FailValue(SettingKeys.DeploymentEnv, $"no {name}: convexAuth sets it; remove it from deploymentEnv");
            }
        }

        var lockMode = values.Choice(SettingKeys.ExportLockMode, LockModes);
        var lockDays = values.Int(SettingKeys.ExportLockDays, 1, 3650);
        if (lockMode == Ops.ExportLockMode.None && values.Has(SettingKeys.ExportLockDays))
        {
            values.FailValue(SettingKeys.ExportLockDays, "no exportLockDays with exportLockMode none: remove it, or choose governance or compliance");
        }

        return new ExtensionSettings
        {
            ConvexAuth = convexAuth,
            ConvexAuthSiteUrl = siteUrl is null ? null : new Uri(siteUrl),
            ConvexAuthKeyVersion = values.Int(SettingKeys.ConvexAuthKeyVersion, 0, int.MaxValue) ?? 0,
            DeploymentEnv = env,
            HasDeploymentEnvSecrets = values.SecretPresent(SettingKeys.DeploymentEnvSecrets),
            DeploymentEnvPrune = values.Bool(SettingKeys.DeploymentEnvPrune) ?? false,
            ExportSchedule = values.Text(SettingKeys.ExportSchedule, ScheduleExpression.Problem),
            ExportLockMode = lockMode,
            ExportLockDays = lockDays,
            AllowRevisionDowngrade = values.Bool(SettingKeys.AllowRevisionDowngrade) ?? false,
            StorageMigrationConfirmed = values.Bool(SettingKeys.StorageMigrationConfirmed) ?? false,
        };
    }

    private static readonly Dictionary<string, Ops.ExportLockMode> LockModes = new(StringComparer.Ordinal)
    {
        ["none"] = Ops.ExportLockMode.None,
        ["governance"] = Ops.ExportLockMode.Governance,
        ["compliance"] = Ops.ExportLockMode.Compliance,
    };

    private static readonly string[] ConvexAuthNames = [ConvexAuthVariables.JwtPrivateKeyName, ConvexAuthVariables.JwksName, ConvexAuthVariables.SiteUrlName];

    /// <summary>https, or http on loopback for an app served by a local dev server.</summary>
    private static string? SiteUrlRule(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttp && url.IsLoopback
            ? null
            : ValueRules.HttpsUrl(text) is { } problem ? $"{problem} (or http:// on localhost for a local app)" : null;
}
