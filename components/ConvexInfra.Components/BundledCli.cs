using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Components;

/// <summary>
/// How the deployment-env step (deployment variables, Convex Auth keys) starts the CLI on the machine running
/// <c>pulumi up</c>. The component provider ships the CLI assembly next to this one (provider/ references the CLI
/// project), so it runs as <c>dotnet '&lt;folder&gt;/convex-infra.dll'</c>: only the .NET SDK that builds the provider is
/// needed. A program without the bundled assembly falls back to <c>convex-infra</c> on PATH (docs/component.md).
/// </summary>
internal static class BundledCli
{
    public const string AssemblyFile = "convex-infra.dll";

    /// <summary>The CLI's command prefix for the folder this assembly was loaded from.</summary>
    public static string Command() => Command(Path.GetDirectoryName(typeof(BundledCli).Assembly.Location));

    /// <summary>
    /// <c>dotnet '&lt;folder&gt;/convex-infra.dll'</c> when the CLI assembly and its runtime config are in
    /// <paramref name="folder"/>, else <c>convex-infra</c>. The path is single-quoted for the shell the command
    /// provider runs the line with.
    /// </summary>
    public static string Command(string? folder)
    {
        if (string.IsNullOrEmpty(folder))
        {
            return ApplyCommandLine.DefaultCli;
        }

        var dll = Path.Combine(folder, AssemblyFile);
        var runtimeConfig = Path.ChangeExtension(dll, ".runtimeconfig.json");
        return File.Exists(dll) && File.Exists(runtimeConfig)
            ? $"dotnet '{dll.Replace("'", "'\\''", StringComparison.Ordinal)}'"
            : ApplyCommandLine.DefaultCli;
    }
}
