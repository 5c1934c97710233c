using System.Globalization;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// The shell command the Pulumi layer runs to apply the desired variables. It is constant text: the API URL and
/// admin key come from environment variables and the map from stdin, so no secret is ever on a command line.
/// </summary>
public static class ApplyCommandLine
{
    public const string ApiUrlVariable = "CONVEX_INFRA_API_URL";
    public const string AdminKeyVariable = "CONVEX_INFRA_ADMIN_KEY";
    public const string DefaultCli = "convex-infra";

    /// <summary>First boot of an EC2 host pulls images and migrates; ten minutes covers it with room.</summary>
    public const int DefaultWaitSeconds = 600;

    public static string Render(string cli, int waitSeconds, bool prune)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cli);
        ArgumentOutOfRangeException.ThrowIfNegative(waitSeconds);
        return string.Create(CultureInfo.InvariantCulture,
            $"{cli} deployment-env apply --api-url \"${{{ApiUrlVariable}:?}}\" --admin-key-env {AdminKeyVariable} --from - --wait {waitSeconds}{(prune ? " --prune" : "")}");
    }
}
