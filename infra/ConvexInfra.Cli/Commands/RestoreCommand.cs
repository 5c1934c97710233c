using System.CommandLine;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Cli.Verify;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra restore</c>: finds or downloads an export, shows what it replaces, asks, imports it with
/// <c>npx convex import</c>, re-applies the deployment variables and runs verify. Also the way in from Convex Cloud:
/// an export zip of a cloud deployment has the same layout.
/// </summary>
public sealed class RestoreCommand : ICliCommand
{
    public string Name => "restore";

    public string Summary => "Import an export (latest, s3://… or a zip, also from Convex Cloud) into a stack, then verify.";

    public Command Build(CliConsole console)
    {
        var stack = CliKit.Text("--stack", "NAME", "the stack to restore into; its outputs come from 'pulumi stack output --json --show-secrets --stack NAME'");
        var outputs = CliKit.Text("--outputs", "FILE|-", "read the stack outputs JSON from FILE or '-' (stdin) instead of running pulumi");
        var from = CliKit.Text("--from", "SOURCE", "the export (required): latest, s3://BUCKET/KEY or a local .zip, e.g. one exported from Convex Cloud");
        from.CompletionSources.Add("latest");
        var replaceAll = CliKit.Flag("--replace-all", "replace every table (tables not in the export are emptied); without it only the tables in the export are replaced");
        var yes = CliKit.Flag("--yes", "do not ask before replacing data (CI)");
        var envFile = CliKit.Text("--deployment-env", "latest|none|FILE",
            "after the import, put back deployment variables: latest = the newest set stored beside the exports (AWS: by the export task; local: the scheduled exports' .env files), none (default), or a JSON map FILE");
        var dir = CliKit.Text("--dir", "DIR", "local target: where 'latest' looks for zips (default the stack file's localBackupDir, else convex-backups/STACK)");
        var drill = new DrillOptions();
        var command = CliKit.Verb(Name, Summary, """
            --from latest: on AWS the newest object in the exports bucket (stack output buckets.exports), on the local
            target the newest .zip in --dir or, when the stack file here sets localBackupBucket, the newest scheduled
            export there (node and the shared aws-request.mjs; the key pair from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
            AWS_ENDPOINT_URL_S3 if this machine reaches the store elsewhere). An s3:// address is downloaded with the AWS
            CLI v2 first.

            Imports an export into the stack: 'npx convex import --replace' (or --replace-all) with the stack's URL and
            admin key in the environment of npx (CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY), never on a
            command line. Run it from the app's folder (npx needs its package.json with convex).
            Before the import it lists the tables the export holds and what will be replaced, and asks (unless --yes).
            After it, --deployment-env is applied (an export carries no environment variables) and verify runs:
            'latest' reads the newest deployment-env/ object of the exports bucket (the export task stores one beside
            every export, SSE-KMS with the stack's key: the caller must be one of the stack's deployers) through
            'aws s3 cp … -' (values on standard output only, never printed); on the local target the newest
            convex-env-STACK-*.json the scheduled exports wrote (folder or bucket). A FILE is a JSON map as for
            'deployment-env apply --from FILE'.
            A prod-tier stack is refused unless both --replace-all and --yes are given.

            --drill: restores the stack's newest export (and, on AWS, its stored deployment variables) into a
            throwaway local deployment (--into local, the default: one backend container of the stack's image
            revision on loopback, removed afterwards; needs docker) or into a named dev-tier stack (--into NAME), runs
            verify, compares every table's document count and the stored files with the export's own listing, and
            reports the RPO (age of the newest export) and the restore time against the tier's promise. On AWS it
            also checks that the stack's RDS automated backups are replicating to the backup copy region with the
            stack file's retention (Pulumi.STACK.yaml under --root; aws rds describe-db-instances and
            describe-db-instance-automated-backups), since pulumi refresh cannot see a replication stopped outside
            Pulumi; stacks without it skip this in one line. The stack given with --stack/--outputs is only read.
            --report FILE appends the result as Markdown (e.g. $GITHUB_STEP_SUMMARY).

            Exit codes: 0 restored and verified (a drill: passed), 1 a step failed, the answer was no or a drill found
            a difference (the message says which), 2 usage error or a prod stack without --replace-all --yes.

            Examples:
              convex-infra restore --stack dev --from latest
              convex-infra restore --stack prod --from s3://convex-prod-exports-1a2b/convex-prod-0f1e/export --replace-all --yes
              convex-infra restore --stack prod --from cloud-export.zip --replace-all --yes --deployment-env env.json
              convex-infra restore --stack prod --drill --report "$GITHUB_STEP_SUMMARY"
            """, [stack, outputs, from, replaceAll, yes, envFile, dir, .. drill.All]);
        CliKit.Run(command, console, (result, cancellationToken) => result.GetValue(drill.Drill)
            ? RestoreDrill.RunAsync(console, new StackOutputsInput(result.GetValue(outputs), result.GetValue(stack)), drill.Read(result, result.GetValue(from), result.GetValue(envFile), result.GetValue(dir), result.GetValue(replaceAll) || result.GetValue(yes)), cancellationToken)
            : RunAsync(
            console,
            new StackOutputsInput(result.GetValue(outputs), result.GetValue(stack)),
            CliKit.Required(result, from, "latest"),
            result.GetValue(replaceAll),
            result.GetValue(yes),
            result.GetValue(envFile),
            result.GetValue(dir),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CliConsole console, StackOutputsInput input, string source, bool replaceAll, bool yes, string? envFile, string? dir, CancellationToken cancellationToken)
    {
        if (!input.Given || (input.From is not null && input.Stack is not null))
        {
            throw new UsageException("give the stack with exactly one of --stack NAME or --outputs FILE|-");
        }

        if (input.From == "-" && !yes)
        {
            throw new UsageException("--outputs - reads standard input, so restore cannot ask there: add --yes, or pass the outputs in a file");
        }

        var temp = Path.Combine(Path.GetTempPath(), $"convex-infra-restore-{Guid.NewGuid():N}");
        try
        {
            var stack = await LoadedStack.LoadAsync(input, console, cancellationToken);
            if (RestoreRules.RestoreRefusal(stack.Outputs.Tier, replaceAll, yes) is { } refusal)
            {
                throw new UsageException(refusal);
            }

            LoadedStack.EnsureNoCloudSettings(console);
            var desiredEnv = envFile switch
            {
                null or "none" => null,
                "latest" => await ReadStoredEnvAsync(console, stack, cancellationToken, dir),
                _ => await ReadDesiredEnvAsync(console, envFile),
            };
            var (zip, _) = await ResolveAsync(console, stack, source, dir, temp, cancellationToken);
            SnapshotContents contents;
            await using (var stream = File.OpenRead(zip))
            {
                contents = SnapshotZip.Describe(stream);
            }

            await console.Error.WriteAsync(Describe(stack, source, zip, contents, replaceAll));
            if (!yes && !await Confirmation.AskAsync(console, $"Replace data in stack '{stack.Name}'?"))
            {
                await console.Error.WriteLineAsync("convex-infra restore: not confirmed; nothing was changed");
                return ExitCodes.Failed;
            }

            var import = await ExternalTool.RunAsync(console, "npx", ConvexCliCalls.Import(zip, replaceAll), stack.ConvexCliEnvironment(), cancellationToken);
            if (import.ExitCode != 0)
            {
                await console.Error.WriteLineAsync(
                    $"convex-infra restore: npx convex import failed with exit code {import.ExitCode}: {import.Tail()}. " +
                    "Each table is imported atomically, so the tables of a failed import keep their old data; fix the cause and run restore again.");
                return ExitCodes.Failed;
            }

            await console.Error.WriteLineAsync($"convex-infra restore: imported {Path.GetFileName(zip)} into '{stack.Name}'");
            if (desiredEnv is not null)
            {
                await ApplyEnvAsync(console, stack.Outputs.ApiUrl, stack.AdminKey, desiredEnv, cancellationToken);
            }
            else
            {
                await console.Error.WriteLineAsync(
                    "convex-infra restore: no --deployment-env given: the deployment's environment variables were left as they are (an export has none)");
            }

            if (!await VerifyOnce.RunAsync(stack.Outputs, stack.AdminKey, console, cancellationToken))
            {
                await console.Error.WriteLineAsync("convex-infra restore: the data was imported, but verify found problems (see the FAIL lines)");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is StackOutputsException or InputException or BackupException or DeploymentEnvException)
        {
            await console.Error.WriteLineAsync($"convex-infra restore: {e.Message}");
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

    private static string Describe(LoadedStack stack, string source, string zip, SnapshotContents contents, bool replaceAll)
    {
        var tables = contents.Tables.Count == 0 ? "no tables" : $"{contents.Tables.Count} table(s): {string.Join(", ", contents.Tables)}";
        var mode = replaceAll
            ? "--replace-all: EVERY table of the deployment is replaced; tables that are not in the export end up empty."
            : "--replace: the tables in the export are replaced; other tables keep their data.";
        var storage = contents.HasFileStorage
            ? $"file storage: {contents.StoredFiles} file(s) in the export replace the stored files."
            : "file storage: the export holds none (exported without --include-file-storage); stored files are kept.";
        return $"""
            convex-infra restore: {source}{(source == zip ? string.Empty : $" ({zip})")}
              into stack '{stack.Name}' (tier {stack.Outputs.Tier ?? "unknown"}, target {stack.Outputs.Target ?? "unknown"}) at {stack.ApiUrl}
              the export holds {tables}
              mode {mode}
              {storage}
              not restored by any import: deployed functions, environment variables, scheduled functions.

            """;
    }

    /// <summary>
    /// The local zip to import (found locally, or downloaded into <paramref name="temp"/>) and when it was exported, where
    /// known: the object's LastModified for latest on AWS, the file's time for a zip.
    /// </summary>
    internal static async Task<(string Zip, DateTimeOffset? ExportedAt)> ResolveAsync(CliConsole console, LoadedStack stack, string source, string? dir, string temp, CancellationToken cancellationToken)
    {
        if (source == "latest" && stack.IsLocal)
        {
            Directory.CreateDirectory(temp);
            var (zip, at) = await LocalBackupSource.For(console, stack, dir).LatestExportAsync(console, temp, cancellationToken);
            return (zip, at);
        }

        var region = stack.Outputs.Region ?? string.Empty;
        S3Location? location = null;
        DateTimeOffset? exportedAt = null;
        if (source == "latest")
        {
            var bucket = stack.Backup.ExportsBucket ?? throw new BackupException("--from latest: the stack outputs have no 'buckets.exports'");
            var listing = await BackupCommand.Aws(console, AwsCliCalls.ListExports(region, bucket), "aws s3api list-objects-v2", cancellationToken);
            var latest = ExportObjects.Latest(ExportObjects.Parse(listing.Out))
                ?? throw new BackupException($"--from latest: s3://{bucket}/ holds no export yet; take one with 'convex-infra backup --stack {stack.Name} --wait'");
            location = new S3Location(bucket, latest.Key);
            exportedAt = latest.LastModified;
        }
        else if (source.StartsWith("s3://", StringComparison.Ordinal))
        {
            try
            {
                location = S3Location.Parse(source);
            }
            catch (FormatException e)
            {
                throw new UsageException($"--from: {e.Message}");
            }
        }

        if (location is null)
        {
            var path = Path.GetFullPath(source, console.WorkingDirectory);
            return File.Exists(path)
                ? (path, new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero))
                : throw new UsageException($"--from: '{source}' is not 'latest', an s3:// address or an existing file; e.g. --from latest or --from export.zip");
        }

        if (region.Length == 0)
        {
            throw new BackupException($"--from {location}: the stack outputs name no AWS region to download it with");
        }

        Directory.CreateDirectory(temp);
        var local = Path.Combine(temp, "export.zip");
        await BackupCommand.Aws(console, AwsCliCalls.Download(region, location, local), "aws s3 cp", cancellationToken);
        return File.Exists(local) ? (local, exportedAt) : throw new BackupException($"aws s3 cp ended without writing {local}");
    }

    /// <summary>The newest variables the export task stored beside the exports (local: the scheduled exports); read before the import, so a failure changes nothing.</summary>
    internal static async Task<IReadOnlyDictionary<string, string>> ReadStoredEnvAsync(CliConsole console, LoadedStack stack, CancellationToken cancellationToken, string? dir = null) =>
        await ReadStoredEnvAsync(console, stack, required: true, cancellationToken, dir)
        ?? throw new BackupException("no stored deployment variables were read");

    /// <summary>As above; when not <paramref name="required"/>, null (and a note) if the bucket holds no stored set.</summary>
    internal static async Task<IReadOnlyDictionary<string, string>?> ReadStoredEnvAsync(CliConsole console, LoadedStack stack, bool required, CancellationToken cancellationToken, string? dir = null)
    {
        if (stack.IsLocal)
        {
            // The local exporter's convex-env-STACK-STAMP.json files, in the folder or the bucket (LocalBackupSource).
            return await LocalBackupSource.For(console, stack, dir).LatestVariablesAsync(console, required, cancellationToken);
        }

        var bucket = stack.Backup.ExportsBucket;
        var region = stack.Outputs.Region;
        if (stack.IsLocal || bucket is null || region is null)
        {
            throw new UsageException("--deployment-env latest reads the exports bucket of an AWS stack; for this stack give a JSON map FILE instead");
        }

        var listing = await BackupCommand.Aws(console, AwsCliCalls.ListExports(region, bucket), "aws s3api list-objects-v2", cancellationToken);
        var latest = DeploymentEnvBackup.Latest(ExportObjects.Parse(listing.Out));
        if (latest is null && !required)
        {
            await console.Error.WriteLineAsync(
                $"convex-infra restore: s3://{bucket}/{DeploymentEnvBackup.Prefix} holds no stored variables (the export task stores them beside each export since this ConvexInfra version); restoring without");
            return null;
        }

        if (latest is null)
        {
            throw new BackupException($"--deployment-env latest: s3://{bucket}/{DeploymentEnvBackup.Prefix} holds no stored variables; run 'pulumi up' with this ConvexInfra version and take a backup with 'convex-infra backup --stack {stack.Name} --wait', or give --deployment-env none");
        }

        var location = new S3Location(bucket, latest.Key);
        var download = await BackupCommand.Aws(console, DeploymentEnvBackup.Download(region, location), "aws s3 cp (deployment variables)", cancellationToken);
        try
        {
            var variables = DesiredEnvJson.Parse(download.Out, location.ToString());
            await console.Error.WriteLineAsync($"convex-infra restore: {variables.Count} deployment variable(s) from {location} ({latest.LastModified:u})");
            return variables;
        }
        catch (FormatException e)
        {
            throw new BackupException(e.Message);
        }
    }

    internal static async Task<IReadOnlyDictionary<string, string>> ReadDesiredEnvAsync(CliConsole console, string envFile)
    {
        var path = Path.GetFullPath(envFile, console.WorkingDirectory);
        if (!File.Exists(path))
        {
            throw new UsageException($"--deployment-env {envFile}: file not found ({path})");
        }

        try
        {
            return DesiredEnvJson.Parse(await File.ReadAllTextAsync(path), $"--deployment-env {envFile}");
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>Sets the given variables (others are kept); prints names and counts only. Returns the number of changes.</summary>
    internal static async Task<int> ApplyEnvAsync(CliConsole console, Uri apiUrl, string adminKey, IReadOnlyDictionary<string, string> desired, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = new DeploymentEnvClient(http, apiUrl, adminKey);
        var plan = EnvChangePlanner.Plan(desired, await client.ListAsync(cancellationToken), prune: false);
        await console.Error.WriteAsync(plan.Describe());
        await client.UpdateAsync(plan.Changes, cancellationToken);
        await console.Error.WriteLineAsync(plan.IsEmpty
            ? "convex-infra restore: deployment variables already as given; nothing sent"
            : $"convex-infra restore: applied {plan.Changes.Count} deployment variable change(s)");
        return plan.Changes.Count;
    }
}
