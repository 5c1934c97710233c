using System.CommandLine;
using System.Globalization;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// <c>convex-infra backup</c>: an export now. On AWS it starts the export task definition the schedule starts (same
/// cluster, same network) through the AWS CLI v2; locally it runs <c>npx convex export --include-file-storage</c>.
/// </summary>
public sealed class BackupCommand : ICliCommand
{
    public string Name => "backup";

    public string Summary => "Take an export now: the stack's export task on AWS, npx convex export locally.";

    public Command Build(CliConsole console)
    {
        var outputs = new StackOutputsOptions();
        var wait = CliKit.Flag("--wait", "AWS: wait for the export task to finish and print the export's s3:// address");
        var dir = CliKit.Text("--dir", "DIR", "local target: folder for the export zip (default convex-backups/STACK)");
        var timeout = CliKit.Text("--timeout", "DURATION", "AWS, with --wait: how long to wait for the task (e.g. 90m, 2h; default 60m)");
        var command = CliKit.Verb(Name, Summary, """
            AWS targets (aws-ec2, aws-ecs): starts the stack's export task (stack output exportTask: the task definition,
            cluster and network the EventBridge schedule uses) with 'aws ecs run-task'. The task runs
            'npx convex export --include-file-storage' against the API; the backend keeps the zip in the exports bucket
            (stack output buckets.exports). With --wait it polls the task ('aws ecs describe-tasks' every 15 s, up to
            --timeout), checks its exit code and prints the new object's s3:// address on standard output. The task
            itself stores the deployment's environment variables beside every export it takes (deployment-env/ in the
            same bucket, SSE-KMS with the stack's key); 'restore --deployment-env latest' puts them back.
            Needs the AWS CLI v2 on PATH with credentials for the stack's account.

            Local target: runs 'npx convex export --include-file-storage --path DIR/convex-export-STACK-TIME.zip' against
            the local stack (run it from the app's folder) and prints the zip's path. The admin key reaches npx only through
            CONVEX_SELF_HOSTED_ADMIN_KEY in its environment, never on a command line.

            Exit codes: 0 export started (or, with --wait / locally, written), 1 it failed or bad outputs, 2 usage error.

            Examples:
              convex-infra backup --stack prod --wait
              convex-infra backup --stack local --dir backups
            """, wait, dir, timeout);
        outputs.AddTo(command);
        CliKit.Run(command, console, (result, cancellationToken) =>
            RunAsync(console, outputs.Read(result), result.GetValue(wait), ParseTimeout(result.GetValue(timeout)), result.GetValue(dir), cancellationToken));
        return command;
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(15);

    private static TimeSpan ParseTimeout(string? value)
    {
        try
        {
            return DurationText.ParseWait("--timeout", value, TimeSpan.FromMinutes(60), TimeSpan.FromHours(24));
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static async Task<int> RunAsync(CliConsole console, StackOutputsInput input, bool wait, TimeSpan timeout, string? dir, CancellationToken cancellationToken)
    {
        if (!input.Given)
        {
            throw new UsageException("the stack outputs are required: --stack NAME, --from FILE or --from - (stdin)");
        }

        try
        {
            var stack = await LoadedStack.LoadAsync(input, console, cancellationToken);
            if (stack.IsLocal)
            {
                var path = await ExportLocallyAsync(console, stack, dir, cancellationToken);
                await console.Out.WriteLineAsync(path);
                return ExitCodes.Ok;
            }

            if (dir is not null)
            {
                throw new UsageException("--dir is for the local target; on AWS the export stays in the exports bucket");
            }

            return await ExportOnAwsAsync(console, stack, wait, timeout, cancellationToken);
        }
        catch (Exception e) when (e is StackOutputsException or InputException or BackupException or DeploymentEnvException)
        {
            await console.Error.WriteLineAsync($"convex-infra backup: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    /// <summary>Writes a new export zip under <paramref name="dir"/> and returns its path.</summary>
    internal static async Task<string> ExportLocallyAsync(CliConsole console, LoadedStack stack, string? dir, CancellationToken cancellationToken)
    {
        LoadedStack.EnsureNoCloudSettings(console);
        var folder = Path.GetFullPath(dir ?? LoadedStack.DefaultBackupDir(stack), console.WorkingDirectory);
        Directory.CreateDirectory(folder);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var path = Path.Combine(folder, $"convex-export-{stack.Name}-{stamp}.zip");
        var export = await ExternalTool.RunAsync(console, "npx", ConvexCliCalls.Export(path), stack.ConvexCliEnvironment(), cancellationToken);
        if (export.ExitCode != 0)
        {
            throw new BackupException($"npx convex export failed with exit code {export.ExitCode}: {export.Tail()}");
        }

        return File.Exists(path) ? path : throw new BackupException($"npx convex export ended without writing {path}: {export.Tail()}");
    }

    private static async Task<int> ExportOnAwsAsync(CliConsole console, LoadedStack stack, bool wait, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var task = stack.Backup.ExportTask ?? throw new BackupException(
            $"the stack outputs have no '{ExportTaskOutput.OutputName}' (the export task definition, cluster and network the schedule uses): " +
            "run 'pulumi up' with a ConvexInfra version that exports it, then try again");
        var region = stack.Outputs.Region ?? string.Empty;
        var started = DateTimeOffset.UtcNow;
        var run = await Aws(console, AwsCliCalls.RunExportTask(region, task), "aws ecs run-task", cancellationToken);
        var taskArn = run.Out.Trim();
        if (taskArn.Length == 0 || taskArn == "None")
        {
            throw new BackupException($"aws ecs run-task started no task (cluster {task.Cluster}): {run.Tail()}");
        }

        await console.Error.WriteLineAsync($"convex-infra backup: started export task {taskArn} on {task.Cluster}");
        if (!wait)
        {
            await console.Error.WriteLineAsync(
                $"convex-infra backup: not waiting; the export lands in s3://{stack.Backup.ExportsBucket}/ when the task ends (add --wait to wait for it)");
            await console.Out.WriteLineAsync(taskArn);
            return ExitCodes.Ok;
        }

        var state = await WaitStoppedAsync(console, region, task.Cluster, taskArn, timeout, cancellationToken);
        if (!state.Succeeded)
        {
            throw new BackupException(
                $"the export task {taskArn} stopped ({state.StopReason ?? "no stop reason"}) with exit code '{state.ExitCode ?? "none"}'; " +
                "its log is in the stack's export log group (CloudWatch Logs, prefix 'export')");
        }

        var bucket = stack.Backup.ExportsBucket ?? throw new BackupException("the stack outputs have no 'buckets.exports'; the export finished but cannot be located");
        var listing = await Aws(console, AwsCliCalls.ListExports(region, bucket), "aws s3api list-objects-v2", cancellationToken);
        var objects = ExportObjects.Parse(listing.Out);
        var newest = ExportObjects.NewestSince(objects, started)
            ?? throw new BackupException($"the export task finished, but no new object appeared in s3://{bucket}/ since {started:u}");
        await console.Error.WriteLineAsync(DeploymentEnvBackup.Latest(objects.Where(o => o.LastModified >= started - ExportObjects.ClockSkew)) is { } stored
            ? $"convex-infra backup: the export task stored the deployment variables beside it at {new S3Location(bucket, stored.Key)} (SSE-KMS, stack key)"
            : $"convex-infra backup: warning: the export task stored no deployment variables in s3://{bucket}/{DeploymentEnvBackup.Prefix}; " +
              "its task definition predates that step: run 'pulumi up' with this ConvexInfra version");
        await console.Out.WriteLineAsync(new S3Location(bucket, newest.Key).ToString());
        return ExitCodes.Ok;
    }

    /// <summary>Polls the task until it stopped or <paramref name="timeout"/> passed; the task keeps running after a timeout.</summary>
    private static async Task<ExportTaskState> WaitStoppedAsync(
        CliConsole console, string region, string cluster, string taskArn, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var answer = await Aws(console, AwsCliCalls.DescribeTaskState(region, cluster, taskArn), "aws ecs describe-tasks", cancellationToken);
            var state = ExportTaskState.Parse(answer.Out);
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (state.Stopped)
            {
                return state;
            }

            if (remaining <= TimeSpan.Zero)
            {
                throw new BackupException(
                    $"the export task {taskArn} is still {state.LastStatus} after {timeout.TotalMinutes:0.#} min; it keeps running and its export lands " +
                    "in the exports bucket when it ends: wait longer with --timeout (e.g. --timeout 2h) or follow it with 'convex-infra logs'");
            }

            await Task.Delay(remaining < PollInterval ? remaining : PollInterval, cancellationToken);
        }
    }

    internal static async Task<ToolResult> Aws(CliConsole console, IReadOnlyList<string> args, string what, CancellationToken cancellationToken)
    {
        var result = await ExternalTool.RunAsync(console, "aws", args, null, cancellationToken);
        return result.ExitCode == 0 ? result : throw new BackupException($"{what} failed with exit code {result.ExitCode}: {result.Tail()}");
    }
}

/// <summary>A backup, restore or reset step that failed; the message says which and what the tool printed.</summary>
public sealed class BackupException(string message) : Exception(message);
