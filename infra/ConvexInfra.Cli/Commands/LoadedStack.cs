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

    public static string DefaultBackupDir(LoadedStack stack) => Path.Combine("convex-backups", stack.Name);

    // The admin key must never reach a log through this record.
    public override string ToString() => $"LoadedStack({Name}, {Outputs.Target}, {Outputs.Tier})";
}
