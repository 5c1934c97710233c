using ConvexInfra.Cli.Outputs;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Cli.Commands;

/// <summary>The stack outputs backup, restore and reset work from, with the admin key required.</summary>
internal sealed record LoadedStack(StackOutputs Outputs, BackupOutputs Backup, string AdminKey)
{
    public static async Task<LoadedStack> LoadAsync(StackOutputsInput input, CliConsole console, CancellationToken cancellationToken)
    {
        var json = await input.LoadJsonAsync(console, cancellationToken);
        var outputs = StackOutputsParser.Parse(json);
        var key = outputs.AdminKey.Require("the Convex CLI's export and import");
        return new LoadedStack(outputs, BackupOutputs.Parse(json), key);
    }

    public string Name => Outputs.Stack ?? Outputs.InstanceName;

    public bool IsLocal => string.Equals(Outputs.Target, "local", StringComparison.Ordinal);

    public string ApiUrl => StackOutputs.UrlText(Outputs.ApiUrl);

    public IReadOnlyDictionary<string, string> ConvexCliEnvironment() => ConvexCliCalls.Environment(ApiUrl, AdminKey);

    /// <summary>
    /// Refuses to start <c>npx convex</c> where Convex Cloud settings would win: with CONVEX_DEPLOYMENT or
    /// CONVEX_DEPLOY_KEY in the environment or in the folder's .env.local / .env, the Convex CLI would act on the cloud
    /// deployment (CONVEX_DEPLOY_KEY) or exit with an error (CONVEX_DEPLOYMENT next to the self-hosted pair) instead of
    /// using the stack given through CONVEX_SELF_HOSTED_URL.
    /// </summary>
    public static void EnsureNoCloudSettings(CliConsole console)
    {
        var found = CloudLeftovers.Names.Where(n => !string.IsNullOrEmpty(console.GetEnvironmentVariable(n))).Select(n => $"{n} (environment)").ToList();
        foreach (var file in new[] { ".env.local", ".env" })
        {
            var path = Path.Combine(console.WorkingDirectory, file);
            if (File.Exists(path))
            {
                found.AddRange(CloudLeftovers.CommentOut(File.ReadAllText(path), DateOnly.MinValue).CommentedOut.Select(n => $"{n} ({file})"));
            }
        }

        if (found.Count > 0)
        {
            throw new InputException(
                $"Convex Cloud settings are set here: {string.Join(", ", found)}; with them npx convex acts on the cloud deployment (CONVEX_DEPLOY_KEY) or exits with an error (CONVEX_DEPLOYMENT), never on this stack. " +
                "Unset them, or comment them out with: convex-infra env --stack STACK --format convex-cli --write .env.local");
        }
    }

    public static string DefaultBackupDir(LoadedStack stack) => Path.Combine("convex-backups", stack.Name);

    // The admin key must never reach a log through this record.
    public override string ToString() => $"LoadedStack({Name}, {Outputs.Target}, {Outputs.Tier})";
}
