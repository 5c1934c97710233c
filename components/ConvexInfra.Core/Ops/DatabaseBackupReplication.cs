using System.Globalization;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Ops;

/// <summary>How long the start script waits and retries (seconds); tests render it with short values.</summary>
public sealed record DatabaseBackupReplicationTiming(int PollSeconds, int StopWaitSeconds, int StartAttempts, int StartRetrySeconds)
{
    /// <summary>
    /// Polls every 10 s for up to 30 min while a replication with other settings stops (the provider's delete of the
    /// managed resource waited up to 75 min for the same); retries a refused start 12 times, 30 s apart (about 6 min:
    /// the first automated backup of a new instance).
    /// </summary>
    public static DatabaseBackupReplicationTiming Default { get; } = new(10, 30 * 60, 12, 30);
}

/// <summary>
/// The backup copy's RDS automated backups replication (<see cref="BackupCopyPlan.ReplicatesDatabaseBackups"/>) as two
/// AWS CLI scripts that a Command.Local on the machine running <c>pulumi up</c> runs (it needs the AWS CLI for the EC2
/// wait step and the pre-upgrade export too). The create step starts the replication and returns at once, where the
/// provider's managed resource (terraform-provider-aws <c>internal/service/rds/instance_automated_backups_replication.go</c>
/// <c>resourceInstanceAutomatedBackupsReplicationCreate</c>) waited from PENDING to REPLICATING and held
/// <c>pulumi up</c> 1–4 min after the database; RDS finishes on its own. It adopts a replication into the copy region with
/// the same key and retention, and stops one with other settings first (RDS allows one per source and region). The
/// delete step stops it. Both read <see cref="Variables"/> from the command's environment; nothing in them is secret.
/// A new version of the scripts runs the start again as the command's update (it has no update script), which adopts
/// the live replication. What they rely on is kept in Data/rds-backup-replication-facts.json.
/// </summary>
public static class DatabaseBackupReplication
{
    public const string SourceRegionVariable = "SOURCE_REGION";
    public const string CopyRegionVariable = "COPY_REGION";
    public const string SourceDbArnVariable = "SOURCE_DB_ARN";
    public const string KmsKeyArnVariable = "KMS_KEY_ARN";
    public const string RetentionDaysVariable = "RETENTION_DAYS";

    /// <summary>The environment both scripts read.</summary>
    public static IReadOnlyList<string> Variables { get; } =
        [SourceRegionVariable, CopyRegionVariable, SourceDbArnVariable, KmsKeyArnVariable, RetentionDaysVariable];

    /// <summary>bash: starts (or adopts) the replication; prints the replicated backups' ARN.</summary>
    public static string StartScript { get; } = Start(DatabaseBackupReplicationTiming.Default);

    /// <summary>bash: stops the replication; a source that is gone or no longer replicates there is done.</summary>
    public static string StopScript { get; } = Render("rds-backup-replication-stop.sh", new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>The start script with other waits (tests).</summary>
    public static string Start(DatabaseBackupReplicationTiming timing)
    {
        ArgumentNullException.ThrowIfNull(timing);
        return Render("rds-backup-replication-start.sh", new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["__POLL_SECONDS__"] = timing.PollSeconds.ToString(CultureInfo.InvariantCulture),
            ["__STOP_WAIT_SECONDS__"] = timing.StopWaitSeconds.ToString(CultureInfo.InvariantCulture),
            ["__START_ATTEMPTS__"] = timing.StartAttempts.ToString(CultureInfo.InvariantCulture),
            ["__START_RETRY_SECONDS__"] = timing.StartRetrySeconds.ToString(CultureInfo.InvariantCulture),
        });
    }

    private static string Render(string file, Dictionary<string, string> values)
    {
        var resource = $"ConvexInfra.Core.Ops.{file}";
        using var stream = typeof(DatabaseBackupReplication).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd().ReplaceLineEndings("\n");
        foreach (var (placeholder, value) in values)
        {
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        }

        var left = Regex.Match(text, "__[A-Z_]+__");
        return left.Success ? throw new InvalidOperationException($"{file}: placeholder {left.Value} has no value") : text;
    }
}
