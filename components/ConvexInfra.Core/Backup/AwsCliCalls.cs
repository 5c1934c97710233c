namespace ConvexInfra.Core.Backup;

/// <summary>
/// The AWS CLI v2 calls of backup and restore, as argument lists (never one shell string): the tests assert them
/// exactly, and no value is ever re-parsed by a shell. None carries a secret.
/// </summary>
public static class AwsCliCalls
{
    /// <summary>The <c>--started-by</c> tag of a task started by <c>convex-infra backup</c> (the schedule's tasks carry the scheduler's).</summary>
    public const string StartedBy = "convex-infra-backup";

    /// <summary>Starts the export task the schedule starts, on the same cluster and network; prints the task ARN.</summary>
    public static IReadOnlyList<string> RunExportTask(string region, ExportTaskOutput task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return
        [
            "ecs", "run-task", "--region", Region(region), "--cluster", task.Cluster, "--task-definition", task.TaskDefinition,
            "--launch-type", "FARGATE", "--network-configuration", task.NetworkConfiguration(), "--started-by", StartedBy,
            "--count", "1", "--query", "tasks[0].taskArn", "--output", "text",
        ];
    }

    /// <summary>
    /// One poll of the task: its last status, stop reason and the export container's exit code, tab-separated
    /// (see <see cref="ExportTaskState"/>). Polled rather than <c>aws ecs wait tasks-stopped</c>, whose waiter gives up
    /// after 10 minutes, shorter than an export with file storage can take.
    /// </summary>
    public static IReadOnlyList<string> DescribeTaskState(string region, string cluster, string taskArn) =>
        ["ecs", "describe-tasks", "--region", Region(region), "--cluster", cluster, "--tasks", taskArn,
            "--query", "tasks[0].[lastStatus,stopReason,containers[0].exitCode]", "--output", "text"];

    /// <summary>Lists the exports bucket as JSON (the CLI follows every page itself).</summary>
    public static IReadOnlyList<string> ListExports(string region, string bucket) =>
        ["s3api", "list-objects-v2", "--region", Region(region), "--bucket", Bucket(bucket), "--output", "json"];

    /// <summary>Downloads one object to a local file.</summary>
    public static IReadOnlyList<string> Download(string region, S3Location source, string localPath)
    {
        ArgumentNullException.ThrowIfNull(source);
        return ["s3", "cp", "--region", Region(region), "--only-show-errors", source.ToString(), localPath];
    }

    /// <summary>The stack's RDS instance, as JSON (<see cref="RdsInstanceState"/>): its replicated backups and age.</summary>
    public static IReadOnlyList<string> DescribeDbInstance(string region, string identifier) =>
        ["rds", "describe-db-instances", "--region", Region(region), "--db-instance-identifier", identifier, "--output", "json"];

    /// <summary>One replicated automated backup, asked in the region it is replicated to, as JSON (<see cref="AutomatedBackupState"/>).</summary>
    public static IReadOnlyList<string> DescribeAutomatedBackup(string copyRegion, string arn) =>
        ["rds", "describe-db-instance-automated-backups", "--region", Region(copyRegion), "--db-instance-automated-backups-arn", arn, "--output", "json"];

    private static string Region(string region) =>
        string.IsNullOrWhiteSpace(region)
            ? throw new ArgumentException("region: the stack outputs give no 'region'; AWS calls need the stack's region, e.g. eu-west-1", nameof(region))
            : region;

    private static string Bucket(string bucket) =>
        string.IsNullOrWhiteSpace(bucket)
            ? throw new ArgumentException("bucket: the stack outputs give no 'buckets.exports'; expected the exports bucket name", nameof(bucket))
            : bucket;
}

/// <summary>An <c>s3://bucket/key</c> address.</summary>
public sealed record S3Location(string Bucket, string Key)
{
    public static S3Location Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        const string scheme = "s3://";
        var rest = text.StartsWith(scheme, StringComparison.Ordinal) ? text[scheme.Length..] : null;
        var slash = rest?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (rest is null || slash <= 0 || slash == rest.Length - 1 || rest.EndsWith('/'))
        {
            throw new FormatException($"'{text}' is not an S3 object address; expected s3://BUCKET/KEY, e.g. s3://convex-prod-exports-1a2b3c/convex-prod-0f1e…/export.zip");
        }

        return new S3Location(rest[..slash], rest[(slash + 1)..]);
    }

    public override string ToString() => $"s3://{Bucket}/{Key}";
}
