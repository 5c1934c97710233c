using System.Globalization;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>How the database is restored: to a time, to the latest restorable time, or from a snapshot.</summary>
public enum RestoreKind
{
    PointInTime,
    LatestRestorableTime,
    Snapshot,
}

/// <summary>
/// A database restore as a stack setting (<c>dbRestoreTime</c> or <c>dbRestoreSnapshot</c>): the program creates the
/// restored RDS instance beside the stack's own, with the same database name, master user, password, network and
/// storage, and moves the backend to it (POSTGRES_URL and the release follow its address). The stack's instance is
/// kept as it was: it is never replaced or deleted by a restore (docs/dr.md says how to retire it afterwards).
/// </summary>
public sealed record DatabaseRestore(RestoreKind Kind, DateTimeOffset? Time, string? SnapshotId)
{
    public const string Latest = "latest";

    public static DatabaseRestore ToTime(DateTimeOffset time) => new(RestoreKind.PointInTime, time.ToUniversalTime(), null);

    public static DatabaseRestore ToLatest() => new(RestoreKind.LatestRestorableTime, null, null);

    public static DatabaseRestore FromSnapshot(string snapshotId) => new(RestoreKind.Snapshot, null, snapshotId);

    /// <summary>The restore time as the provider parses it (time.RFC3339, UTC).</summary>
    public string? RestoreTimeText => Time?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>What the restored instance was made from, for its tag and the plan.</summary>
    public string Describe() => Kind switch
    {
        RestoreKind.PointInTime => $"point in time {RestoreTimeText}",
        RestoreKind.LatestRestorableTime => "latest restorable time",
        _ => $"snapshot {SnapshotId}",
    };

    /// <summary>The setting that asked for this restore.</summary>
    public SettingKey Key => Kind == RestoreKind.Snapshot ? SettingKeys.DbRestoreSnapshot : SettingKeys.DbRestoreTime;

    /// <summary>Tag on the restored instance naming its source, so the console shows why it exists.</summary>
    public const string SourceTagKey = "convex-infra:restored-from";

    /// <summary>
    /// Why restoring <paramref name="source"/> into <paramref name="spec"/> is refused, or null. The restored database
    /// keeps the instance name (it names the database and the S3 prefix of every file) and the storage of the stack it
    /// came from (its files are in that stack's buckets, and RDS storage stays encrypted), so a source of another
    /// instance name or another stack, an unencrypted or a non-PostgreSQL source is refused. A snapshot the program did
    /// not tag (its instance copies the stack's tags to every snapshot) is refused too: nothing says what it holds.
    /// </summary>
    public string? Refusal(DeploymentSpec spec, RestoreSource source)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        var key = Key.FullName;
        var instanceKey = SettingKeys.InstanceName.FullName;
        if (!source.Tags.TryGetValue(ResourceNames.InstanceTagKey, out var instance))
        {
            return $"{key}: got {source.Description}, which carries no {ResourceNames.InstanceTagKey} tag, so nothing says which Convex instance it holds. " +
                $"Expected a snapshot of this stack's database (its instance copies the stack's tags to every snapshot). If you are sure it holds instance {spec.InstanceName} of stack {spec.StackName}, tag it: " +
                $"aws rds add-tags-to-resource --resource-name <snapshot ARN> --tags Key={ResourceNames.InstanceTagKey},Value={spec.InstanceName} Key={ResourceNames.StackTagKey},Value={spec.StackName}";
        }

        if (instance != spec.InstanceName)
        {
            return $"{instanceKey}: got {spec.InstanceName}, but {source.Description} ({key}) holds instance {instance}. A restore keeps the instance name: " +
                $"it names the database ({instance.Replace('-', '_')}) and the S3 prefix of every file. Expected: {instanceKey} {instance} " +
                $"(pulumi config set {instanceKey} {instance}), or a {key} of instance {spec.InstanceName}";
        }

        if (source.Tags.TryGetValue(ResourceNames.StackTagKey, out var stack) && stack != spec.StackName)
        {
            return $"{key}: got {source.Description} of stack {stack}; this is stack {spec.StackName}. A restore keeps the storage: the files the database " +
                $"points at are in stack {stack}'s buckets, not in this one's. Expected: restore it in stack {stack}, or move the data with an export " +
                "(npx convex export --include-file-storage there, convex-infra restore here; docs/dr.md)";
        }

        if (source.Engine is { } engine && !engine.StartsWith("postgres", StringComparison.Ordinal))
        {
            return $"{key}: got {source.Description} of engine {engine}; the stack runs PostgreSQL. Expected a PostgreSQL snapshot or time of this stack's database";
        }

        if (source.Encrypted == false)
        {
            return $"{key}: got {source.Description}, whose storage is not encrypted; the stack's database storage is. Expected an encrypted snapshot: " +
                "aws rds copy-db-snapshot --source-db-snapshot-identifier <id> --target-db-snapshot-identifier <id>-encrypted --kms-key-id alias/aws/rds, then restore that";
        }

        return null;
    }
}

/// <summary>What the program reads about the restore's source (the stack's instance, or the snapshot) before restoring.</summary>
public sealed record RestoreSource(string Description, IReadOnlyDictionary<string, string> Tags, string? Engine, bool? Encrypted);
