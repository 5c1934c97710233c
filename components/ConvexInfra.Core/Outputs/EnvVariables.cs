namespace ConvexInfra.Core.Outputs;

/// <summary>One variable of an env file; secret ones get mode 600 files and GitHub masks.</summary>
public sealed record EnvVariable(string Name, string Value, bool IsSecret)
{
    // Keeps a secret out of logs and assertion messages that print the record.
    public override string ToString() => IsSecret ? $"{Name}=(secret)" : $"{Name}={Value}";
}

/// <summary>Which variables each <see cref="EnvFormat"/> carries, from the stack outputs.</summary>
public static class EnvVariables
{
    public const string ConvexSelfHostedUrl = "CONVEX_SELF_HOSTED_URL";
    public const string ConvexSelfHostedAdminKey = "CONVEX_SELF_HOSTED_ADMIN_KEY";
    public const string ViteConvexUrl = "VITE_CONVEX_URL";
    public const string NextPublicConvexUrl = "NEXT_PUBLIC_CONVEX_URL";
    public const string ConvexSiteUrl = "CONVEX_SITE_URL";
    public const string ConvexDashboardUrl = "CONVEX_DASHBOARD_URL";
    public const string ConvexInstanceName = "CONVEX_INSTANCE_NAME";

    /// <summary>The variables of a format; throws <see cref="StackOutputsException"/> when the admin key is needed but absent.</summary>
    public static IReadOnlyList<EnvVariable> For(StackOutputs outputs, EnvFormat format)
    {
        var api = StackOutputs.UrlText(outputs.ApiUrl);
        return format switch
        {
            EnvFormat.Vite => [new(ViteConvexUrl, api, false)],
            EnvFormat.NextJs => [new(NextPublicConvexUrl, api, false)],
            EnvFormat.ConvexCli =>
            [
                new(ConvexSelfHostedUrl, api, false),
                new(ConvexSelfHostedAdminKey, outputs.AdminKey.Require("--format convex-cli"), true),
            ],
            EnvFormat.Dotenv or EnvFormat.Json or EnvFormat.Github =>
            [
                new(ConvexSelfHostedUrl, api, false),
                new(ConvexSelfHostedAdminKey, outputs.AdminKey.Require($"--format {format.Name()}"), true),
                new(ConvexSiteUrl, StackOutputs.UrlText(outputs.SiteUrl), false),
                new(ConvexDashboardUrl, StackOutputs.UrlText(outputs.DashboardUrl), false),
                new(ConvexInstanceName, outputs.InstanceName, false),
                new(ViteConvexUrl, api, false),
                new(NextPublicConvexUrl, api, false),
            ],
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown env format"),
        };
    }

    /// <summary>Step outputs for GitHub Actions, named like the stack outputs (steps.ID.outputs.apiUrl).</summary>
    public static IReadOnlyList<EnvVariable> GithubStepOutputs(StackOutputs outputs) =>
    [
        new(StackOutputNames.ApiUrl, StackOutputs.UrlText(outputs.ApiUrl), false),
        new(StackOutputNames.SiteUrl, StackOutputs.UrlText(outputs.SiteUrl), false),
        new(StackOutputNames.DashboardUrl, StackOutputs.UrlText(outputs.DashboardUrl), false),
        new(StackOutputNames.InstanceName, outputs.InstanceName, false),
        new(StackOutputNames.AdminKey, outputs.AdminKey.Require("--format github"), true),
    ];
}
