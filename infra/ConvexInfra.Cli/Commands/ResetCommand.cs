using System.CommandLine;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra reset</c>: empties a dev or local deployment by importing an empty snapshot with
/// <c>--replace-all</c>. Chosen over dropping and recreating the database because it goes through the backend's own,
/// transactional import path on every target (RDS, local Postgres, SQLite alike), needs no database credentials or
/// network path to the database, keeps the storage-mode tag and S3 prefix the backend stored at first start (which a
/// fresh database would lose), and leaves deployed code, environment variables, the instance secret and the admin key
/// untouched. The import empties only user tables and file storage: system tables such as scheduled functions
/// (<c>_scheduled_functions</c>) and cron jobs stay (fact import-replace-all-user-tables), so the confirmation says so.
/// </summary>
public sealed class ResetCommand : ICliCommand
{
    public string Name => "reset";

    public string Summary => "Empty a dev or local deployment's tables and files, keeping its code, env variables, keys and scheduled jobs.";

    public Command Build(CliConsole console)
    {
        var outputs = new StackOutputsOptions();
        var yes = CliKit.Flag("--yes", "do not ask first");
        var command = CliKit.Verb(Name, Summary, """
            Empties the deployment: 'npx convex import --replace-all' of an empty snapshot, with the stack's URL and admin
            key in the environment of npx (run it from the app's folder). Every user table and the stored files end up
            empty. System tables stay: scheduled functions still pending run later (against the emptied tables) and crons
            keep their schedule; deployed functions, the deployment's environment variables, the instance secret and the
            admin key stay too.
            Only for dev-tier stacks and the local target: staging and prod are refused.

            Exit codes: 0 emptied, 1 refused, not confirmed or the import failed, 2 usage error.

            Example: convex-infra reset --stack local
            """, yes);
        outputs.AddTo(command);
        CliKit.Run(command, console, (result, cancellationToken) => RunAsync(console, outputs.Read(result), result.GetValue(yes), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, StackOutputsInput input, bool yes, CancellationToken cancellationToken)
    {
        if (!input.Given)
        {
            throw new UsageException("the stack outputs are required: --stack NAME, --from FILE or --from - (stdin)");
        }

        var temp = Path.Combine(Path.GetTempPath(), $"convex-infra-reset-{Guid.NewGuid():N}");
        try
        {
            var stack = await LoadedStack.LoadAsync(input, console, cancellationToken);
            if (RestoreRules.ResetRefusal(stack.Outputs.Tier, stack.Outputs.Target) is { } refusal)
            {
                await console.Error.WriteLineAsync($"convex-infra reset: {refusal}");
                return ExitCodes.Failed;
            }

            LoadedStack.EnsureNoCloudSettings(console);
            await console.Error.WriteLineAsync(
                $"convex-infra reset: every user table and stored file of '{stack.Name}' (tier {stack.Outputs.Tier ?? "unknown"}, target {stack.Outputs.Target ?? "unknown"}) at {stack.ApiUrl} will be deleted; " +
                "system tables stay, so scheduled functions still pending will run and crons keep running.");
            if (!yes && !await Confirmation.AskAsync(console, $"Empty '{stack.Name}'?"))
            {
                await console.Error.WriteLineAsync("convex-infra reset: not confirmed; nothing was changed");
                return ExitCodes.Failed;
            }

            Directory.CreateDirectory(temp);
            var empty = Path.Combine(temp, "empty-snapshot.zip");
            await File.WriteAllBytesAsync(empty, SnapshotZip.Empty(), cancellationToken);
            var import = await ExternalTool.RunAsync(console, "npx", ConvexCliCalls.Import(empty, replaceAll: true), stack.ConvexCliEnvironment(), cancellationToken);
            if (import.ExitCode != 0)
            {
                await console.Error.WriteLineAsync($"convex-infra reset: npx convex import failed with exit code {import.ExitCode}: {import.Tail()}; nothing was emptied");
                return ExitCodes.Failed;
            }

            await console.Out.WriteLineAsync(
                $"convex-infra reset: the tables and files of '{stack.Name}' are empty; deployed functions, scheduled functions and crons, environment variables, the instance secret and the admin key are unchanged");
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StackOutputsException or InputException or BackupException)
        {
            await console.Error.WriteLineAsync($"convex-infra reset: {e.Message}");
            return ExitCodes.Failed;
        }
        finally
        {
            if (Directory.Exists(temp))
            {
                Directory.Delete(temp, recursive: true);
            }
        }
    }
}
