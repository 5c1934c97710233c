using System.Diagnostics;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>Runs the .NET SDK (<c>dotnet build</c>, <c>dotnet pack</c>) the way CI does, with the folder feed where one sits beside the clone.</summary>
internal static class DotnetCli
{
    /// <summary>Builds and packs of the same projects must not restore at the same time: one at a time.</summary>
    public const string Collection = "dotnet CLI";

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments.Concat(["--nologo", "-v", "quiet", $"-p:RestoreAdditionalProjectSources={Feed()}"]))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + Environment.NewLine + await stderr);
    }

    /// <summary>../shared/pulumi-feed, used where the configured sources serve no Pulumi (see scripts/restore.sh).</summary>
    private static string Feed()
    {
        var feed = Path.GetFullPath(Path.Combine(RepoRoot.Path, "..", "shared", "pulumi-feed"));
        return Directory.Exists(feed) ? feed : "";
    }
}
