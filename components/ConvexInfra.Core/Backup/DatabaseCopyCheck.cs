using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Backup;

/// <summary>How one part of a drill came out: passed, passed with a warning, failed, or not applicable.</summary>
public enum DrillCheckOutcome
{
    Passed,
    Warning,
    Failed,
    Skipped,
}

/// <summary>The database backup copy part of a drill: its one-line summary, its problems (each fails the drill) and how long it took (not part of the RTO).</summary>
public sealed record DatabaseCopyResult(DrillCheckOutcome Outcome, string Summary, IReadOnlyList<string> Problems, TimeSpan Took)
{
    public DatabaseCopyResult WithTook(TimeSpan took) => this with { Took = took };
}

/// <summary>
/// What the stack file promises about the replicated RDS automated backups (<see cref="BackupCopyPlan"/>) and how to
/// restart the replication: replacing the backup copy's <c>…-database</c> command starts it again.
/// </summary>
public sealed record DatabaseCopyExpectation(string Stack, string SourceRegion, string CopyRegion, int RetentionDays, string ReplaceUrn)
{
    /// <summary>The resource name of the command that starts the replication (<c>BackupCopy</c>: <c>{name}-database</c>, the component <c>{root}-backup-copy</c>).</summary>
    public static string ResourceName(DeploymentSpec spec) => $"{ResourceNames.RootName(spec)}-backup-copy-database";

    /// <summary>
    /// Its URN: the parent chain ConvexDeployment → BackupCopy → the command (the root stack resource is not part of a
    /// URN's type chain). Kept beside the tokens in ComponentTokens by DatabaseCopyCheckTests.
    /// </summary>
    public static string Urn(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"urn:pulumi:{spec.StackName}::{spec.ProjectName}::{DeploymentToken}${BackupCopyToken}${CommandToken}::{ResourceName(spec)}";
    }

    public const string DeploymentToken = "convex-infra:index:ConvexDeployment";
    public const string BackupCopyToken = "convex-infra:ops:BackupCopy";
    public const string CommandToken = "command:local:Command";

    /// <summary>Null when the stack replicates no database backups (no backup copy, or RDS keeps none).</summary>
    public static DatabaseCopyExpectation? For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return BackupCopyPlan.For(spec) is { ReplicatesDatabaseBackups: true } plan
            ? new DatabaseCopyExpectation(spec.StackName, plan.SourceRegion, plan.Region, plan.RdsRetentionDays, Urn(spec))
            : null;
    }

    /// <summary>Why a stack without database backup replication is skipped, in one line.</summary>
    public static string SkipReason(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return BackupCopyPlan.For(spec) is null
            ? $"not checked: stack '{spec.StackName}' has no backup copy ({SettingKeys.BackupCopy.FullName} is off for the {spec.Tier.ConfigName()} tier or not on AWS)"
            : $"not checked: stack '{spec.StackName}' keeps no RDS automated backups (backupRetentionDays 0), so none are replicated";
    }

    public string Fix => $"restart it with: pulumi up --stack {Stack} --replace '{ReplaceUrn}'";
}

/// <summary>
/// The judgement of the drill's database copy check. Since the replication is started by a command (not a managed
/// resource), <c>pulumi refresh</c> no longer notices a replication stopped outside Pulumi; the monthly drill does.
/// Statuses as Data/rds-backup-replication-facts.json cites them (status-*), compared case-insensitively (AWS has
/// answered both cases).
/// </summary>
public static class DatabaseCopyCheck
{
    public const string Replicating = "replicating";
    public const string Pending = "pending";
    public const string Retained = "retained";

    /// <summary>botocore documents <c>creating</c> (waiting for the first snapshot); it is read like <see cref="Pending"/>.</summary>
    public const string Creating = "creating";

    /// <summary>
    /// How young an instance may be while its replication is still pending: RDS starts it within the hour after
    /// StartDBInstanceAutomatedBackupsReplication (Terraform waits up to 75 min); a day later pending means stuck.
    /// </summary>
    public static readonly TimeSpan PendingGrace = TimeSpan.FromDays(1);

    public static DatabaseCopyResult Skipped(string reason) => new(DrillCheckOutcome.Skipped, reason, [], TimeSpan.Zero);

    /// <summary>A check that could not gather its facts (no stack file, a failed AWS call): a drill problem.</summary>
    public static DatabaseCopyResult Unchecked(string reason) => new(DrillCheckOutcome.Failed, "could not be checked", [$"database backup copy: {reason}"], TimeSpan.Zero);

    /// <summary>
    /// The ARN of the instance's replicated backups in the copy region, or null. <paramref name="instance"/> lists one
    /// ARN per destination region.
    /// </summary>
    public static string? CopyArn(DatabaseCopyExpectation expected, RdsInstanceState instance)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(instance);
        return instance.ReplicationArns.FirstOrDefault(a => RdsNames.RegionOf(a) == expected.CopyRegion);
    }

    /// <summary>
    /// Passed when the copy region holds the instance's replicated backups, replicating, with the plan's retention and
    /// a key of the copy region; a warning while pending on an instance younger than <see cref="PendingGrace"/>;
    /// otherwise failed with the stack, the copy region and the fix.
    /// </summary>
    public static DatabaseCopyResult Judge(DatabaseCopyExpectation expected, RdsInstanceState instance, AutomatedBackupState? backup, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(instance);
        var where = $"the RDS automated backups of stack '{expected.Stack}' (instance {instance.Identifier}, {expected.SourceRegion})";
        if (CopyArn(expected, instance) is not { } arn)
        {
            var elsewhere = instance.ReplicationArns.Select(RdsNames.RegionOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var what = elsewhere.Count == 0 ? "are not replicated to any region" : $"are replicated to {string.Join(", ", elsewhere)} only";
            return Failed($"not replicated to {expected.CopyRegion}", $"{where} {what}, not to the copy region {expected.CopyRegion}; {expected.Fix}");
        }

        if (backup is null)
        {
            return Failed($"{arn} not found in {expected.CopyRegion}", $"{where} name {arn} as their copy, but {expected.CopyRegion} has no such replicated backup; {expected.Fix}");
        }

        var problems = new List<string>();
        var status = backup.Status ?? "(no status)";
        var age = instance.CreatedAt is { } created ? now - created : (TimeSpan?)null;
        var pending = status.Equals(Pending, StringComparison.OrdinalIgnoreCase) || status.Equals(Creating, StringComparison.OrdinalIgnoreCase);
        string? warning = null;
        if (pending && age is { } young && young < PendingGrace)
        {
            warning = $"{status} in {expected.CopyRegion}: the instance is {RecoveryPromise.Text(young)} old and RDS starts a new replication within the hour; run the drill again tomorrow if it stays so";
        }
        else if (pending)
        {
            problems.Add($"{where} are still {status} in {expected.CopyRegion} although the instance is {(age is { } old ? RecoveryPromise.Text(old) : "of unknown age, so more than a day")} old: " +
                $"the replication never started; {expected.Fix}");
        }
        else if (status.Equals(Retained, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{where} are retained in {expected.CopyRegion}, not replicating: the replication was stopped (outside Pulumi: pulumi refresh cannot see it); {expected.Fix}");
        }
        else if (!status.Equals(Replicating, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"{where} are {status} in {expected.CopyRegion}, not replicating; {expected.Fix}");
        }

        if (backup.RetentionDays is { } days && days != expected.RetentionDays)
        {
            problems.Add($"{where} are kept {days} day(s) in {expected.CopyRegion}; the stack file asks for {expected.RetentionDays} (backupRetentionDays): {expected.Fix}");
        }

        if (RdsNames.RegionOf(backup.KmsKeyId) is { } keyRegion && keyRegion != expected.CopyRegion)
        {
            problems.Add($"{where} are encrypted in {expected.CopyRegion} with a key of {keyRegion} ({backup.KmsKeyId}), not the backup copy's key of {expected.CopyRegion}; {expected.Fix}");
        }

        var detail = $"{status} in {expected.CopyRegion}, kept {backup.RetentionDays?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} day(s) ({arn})";
        return problems.Count > 0
            ? new DatabaseCopyResult(DrillCheckOutcome.Failed, detail, problems.Select(p => $"database backup copy: {p}").ToList(), TimeSpan.Zero)
            : warning is not null
                ? new DatabaseCopyResult(DrillCheckOutcome.Warning, $"{detail}; WARN {warning}", [], TimeSpan.Zero)
                : new DatabaseCopyResult(DrillCheckOutcome.Passed, detail, [], TimeSpan.Zero);
    }

    private static DatabaseCopyResult Failed(string summary, string problem) =>
        new(DrillCheckOutcome.Failed, summary, [$"database backup copy: {problem}"], TimeSpan.Zero);
}
