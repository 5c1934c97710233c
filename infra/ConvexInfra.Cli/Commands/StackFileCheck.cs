using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// The offline checks of a stack file that <c>plan</c> runs and <c>releases --set</c> runs before it writes: the file is
/// found, parsed and every setting validated; then the revision is checked against the revision the stack runs now,
/// as <c>pulumi up</c> checks it against the stack's history (downgrade and storage-mode guard,
/// <see cref="RevisionHistory.DecideFor"/>).
/// </summary>
internal static class StackFileCheck
{
    /// <summary>The repository root: --root, else the nearest folder upwards holding Pulumi.yaml.</summary>
    public static string Root(CliConsole console, string? rootOption)
    {
        var root = rootOption is null ? FindRoot(console.WorkingDirectory) : Path.GetFullPath(rootOption, console.WorkingDirectory);
        if (root is null || !File.Exists(Path.Combine(root, "Pulumi.yaml")))
        {
            throw new UsageException($"no Pulumi.yaml found {(rootOption is null ? "here or in any parent folder" : $"in {rootOption}")}; run from the repository or pass --root DIR");
        }

        return root;
    }

    /// <summary>The path of Pulumi.STACK.yaml; null after printing which stacks exist when it does not.</summary>
    public static async Task<string?> LocateAsync(CliConsole console, string verb, string root, string stack)
    {
        var stackFile = Path.Combine(root, $"Pulumi.{stack}.yaml");
        if (File.Exists(stackFile))
        {
            return stackFile;
        }

        var known = Directory.GetFiles(root, "Pulumi.*.yaml").Select(f => Path.GetFileName(f)["Pulumi.".Length..^".yaml".Length]).Order(StringComparer.Ordinal);
        await console.Error.WriteLineAsync($"convex-infra {verb}: no stack file Pulumi.{stack}.yaml in {root}. Stacks here: {string.Join(", ", known)}. Create one with `pulumi stack init {stack}` and the settings in docs/spec.md.");
        return null;
    }

    /// <summary>The validated spec of the stack file's text, or null after listing every problem on stderr.</summary>
    public static async Task<DeploymentSpec?> ValidateAsync(CliConsole console, string root, string stack, string yamlText, string consequence)
    {
        var projectFile = Path.Combine(root, "Pulumi.yaml");
        var file = StackFile.TryParse(yamlText, StackFile.FindProjectName(projectFile), stack, $"Pulumi.{stack}.yaml");
        var result = file.Config is null ? null : SettingsReader.Read(file.Config);
        var errors = file.Errors.Concat(result?.Errors ?? []).ToList();
        if (errors.Count == 0 && result?.Spec is { } spec)
        {
            return spec;
        }

        await console.Error.WriteLineAsync($"Pulumi.{stack}.yaml has {errors.Count} problem(s); {consequence}:");
        foreach (var error in errors)
        {
            await console.Error.WriteLineAsync($"  - {error}");
        }

        return null;
    }

    /// <summary>
    /// The move from <paramref name="runningRevision"/> to the spec's revision as <c>pulumi up</c> would judge it; null
    /// when no running revision is known (a stack never deployed, or plan without --running-revision).
    /// </summary>
    public static RevisionDecision? Revision(DeploymentSpec spec, string? runningRevision)
    {
        if (runningRevision is null)
        {
            return null;
        }

        if (ValueRules.ImageRevision(runningRevision) is { } problem)
        {
            throw new UsageException($"--running-revision: got '{runningRevision}'; expected {problem}. Example: --running-revision $(pulumi stack output imageRevision)");
        }

        return RevisionHistory.DecideFor(spec, [runningRevision], ConvexFacts.Embedded());
    }

    private static string? FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pulumi.yaml")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}
