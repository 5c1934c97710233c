using System.Diagnostics;
using System.Text.Json;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Tools;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Cli.Commands;

/// <summary>
/// The drill's database backup copy check: what the stack file promises (<see cref="DatabaseCopyExpectation"/>, from
/// Pulumi.STACK.yaml under --root) against what RDS answers for the instance of the stack's <c>databaseEndpoint</c>
/// output (two read-only AWS CLI calls). The judgement is Core's <see cref="DatabaseCopyCheck"/>; a fact that cannot
/// be gathered is a drill problem, never a silent pass.
/// </summary>
internal static class DrillDatabaseCopy
{
    public static async Task<DatabaseCopyResult> CheckAsync(CliConsole console, LoadedStack source, string? rootOption, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        DatabaseCopyResult result;
        try
        {
            result = await GatherAsync(console, source, rootOption, cancellationToken);
        }
        catch (Exception e) when (e is InputException or JsonException or FormatException)
        {
            result = DatabaseCopyCheck.Unchecked(e.Message);
        }

        return result.WithTook(clock.Elapsed);
    }

    private static async Task<DatabaseCopyResult> GatherAsync(CliConsole console, LoadedStack source, string? rootOption, CancellationToken cancellationToken)
    {
        if (source.IsLocal)
        {
            return DatabaseCopyCheck.Skipped("not checked: the local target has no RDS database");
        }

        if (source.Outputs.Stack is not { } stack || source.Outputs.Region is not { Length: > 0 } region)
        {
            return DatabaseCopyCheck.Unchecked("the stack outputs name no 'stack' and 'region', so the drill cannot find the stack file that says what to expect");
        }

        if (await ReadSpecAsync(console, rootOption, stack) is not { } spec)
        {
            return DatabaseCopyCheck.Unchecked(
                $"Pulumi.{stack}.yaml could not be read (see above); the drill reads it for the backup copy region and retention: run it from the repository or pass --root DIR");
        }

        if (spec.Region != region)
        {
            return DatabaseCopyCheck.Unchecked($"Pulumi.{stack}.yaml names region {spec.Region ?? "(none)"}, the stack outputs {region}: --root points at another repository's stack file");
        }

        if (DatabaseCopyExpectation.For(spec) is not { } expected)
        {
            return DatabaseCopyCheck.Skipped(DatabaseCopyExpectation.SkipReason(spec));
        }

        if (RdsNames.IdentifierOf(source.Backup.DatabaseEndpoint) is not { } identifier)
        {
            return DatabaseCopyCheck.Unchecked($"the stack outputs give no RDS endpoint in 'databaseEndpoint' (got '{source.Backup.DatabaseEndpoint}'), so the drill cannot name the instance whose backups replicate to {expected.CopyRegion}");
        }

        var described = await ExternalTool.RunAsync(console, "aws", AwsCliCalls.DescribeDbInstance(region, identifier), null, cancellationToken);
        if (described.ExitCode != 0)
        {
            return DatabaseCopyCheck.Unchecked($"aws rds describe-db-instances --db-instance-identifier {identifier} in {region} failed with exit code {described.ExitCode}: {described.Tail()} (the drill role needs rds:DescribeDBInstances, docs/cicd.md)");
        }

        var instance = RdsInstanceState.Parse(described.Out);
        if (instance.Address is { } address && !string.Equals(address, source.Backup.DatabaseEndpoint, StringComparison.OrdinalIgnoreCase))
        {
            return DatabaseCopyCheck.Unchecked($"RDS instance {identifier} answers at {address}, not at the stack's databaseEndpoint {source.Backup.DatabaseEndpoint}");
        }

        AutomatedBackupState? backup = null;
        if (DatabaseCopyCheck.CopyArn(expected, instance) is { } arn)
        {
            var copy = await ExternalTool.RunAsync(console, "aws", AwsCliCalls.DescribeAutomatedBackup(expected.CopyRegion, arn), null, cancellationToken);
            if (copy.ExitCode == 0)
            {
                backup = AutomatedBackupState.Parse(copy.Out, arn);
            }
            else if (!copy.Error.Contains("DBInstanceAutomatedBackupNotFound", StringComparison.Ordinal))
            {
                return DatabaseCopyCheck.Unchecked($"aws rds describe-db-instance-automated-backups in {expected.CopyRegion} failed with exit code {copy.ExitCode}: {copy.Tail()} (the drill role needs rds:DescribeDBInstanceAutomatedBackups there, docs/cicd.md)");
            }
        }

        return DatabaseCopyCheck.Judge(expected, instance, backup, DateTimeOffset.UtcNow);
    }

    /// <summary>The validated spec of Pulumi.STACK.yaml, or null after saying why on stderr.</summary>
    private static async Task<DeploymentSpec?> ReadSpecAsync(CliConsole console, string? rootOption, string stack)
    {
        string root;
        try
        {
            root = StackFileCheck.Root(console, rootOption);
        }
        catch (UsageException e)
        {
            await console.Error.WriteLineAsync($"convex-infra restore --drill: {e.Message}");
            return null;
        }

        var path = await StackFileCheck.LocateAsync(console, "restore --drill", root, stack);
        return path is null ? null : await StackFileCheck.ValidateAsync(console, root, stack, await File.ReadAllTextAsync(path), "the database backup copy is not checked");
    }
}
