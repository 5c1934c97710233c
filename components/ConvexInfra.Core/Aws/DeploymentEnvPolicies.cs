using ConvexInfra.Core.Backup;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// Who may use the stack key through S3, and only for the stored deployment variables
/// (<see cref="DeploymentEnvBackup.Prefix"/> in the exports bucket): the export task's role writes them, the deployers
/// (who run <c>restore</c>) read them, and the backup copy's replication role reads them to replicate. Every use is
/// bound to S3 in the stack's region (<c>kms:ViaService</c>) and to an object under the prefix
/// (<c>kms:EncryptionContext:aws:s3:arn</c>: S3 passes the object's ARN as the encryption context when the object has
/// no S3 Bucket Key, which is why the task's upload turns the bucket key off). The identity policies and the key
/// policy say the same, so neither alone lets anything through.
/// </summary>
public static class DeploymentEnvPolicies
{
    /// <summary>What S3 asks KMS for on a single-part PutObject with SSE-KMS (a data key; no multipart, so no Decrypt).</summary>
    public static IReadOnlyList<string> WriteKeyActions { get; } = ["kms:GenerateDataKey"];

    /// <summary>What S3 asks KMS for on GetObject of an SSE-KMS object, and replication when it reads the source version.</summary>
    public static IReadOnlyList<string> ReadKeyActions { get; } = ["kms:Decrypt"];

    /// <summary><c>arn:{p}:s3:::{bucket}/deployment-env/*</c>: the stored variables' objects.</summary>
    public static string ObjectArns(string partition, string exportsBucket) =>
        $"{AwsArns.Bucket(partition, exportsBucket)}/{DeploymentEnvBackup.Prefix}*";

    /// <summary>The service S3 calls KMS as in <paramref name="region"/>.</summary>
    public static string S3ViaService(string region)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        return $"s3.{region}.amazonaws.com";
    }

    /// <summary>
    /// The export task's role: put objects under the prefix only (no read, no delete, no retention or ACL change, no
    /// other prefix), and have S3 generate their data keys with the stack key for those objects only.
    /// </summary>
    public static string ExportTaskRole(string partition, string region, string exportsBucket, string stackKeyArn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stackKeyArn);
        return PolicyDocument.Render(
        [
            new("StoreDeploymentEnvBesideTheExports", "Allow", ["s3:PutObject"], [ObjectArns(partition, exportsBucket)]),
            new("EncryptDeploymentEnvThroughS3", "Allow", WriteKeyActions, [stackKeyArn], Conditions: ThroughS3(partition, region, exportsBucket)),
        ]);
    }

    /// <summary>The replication role's extra statement: decrypt the stored variables' source versions through S3.</summary>
    internal static PolicyStatement ReplicationReadsSource(string partition, string sourceRegion, string exportsBucket, string stackKeyArn)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(stackKeyArn);
        return new("DecryptDeploymentEnvSourceThroughS3", "Allow", ReadKeyActions, [stackKeyArn], Conditions: ThroughS3(partition, sourceRegion, exportsBucket));
    }

    /// <summary>
    /// The stack key policy's statements for S3: the export task role generates data keys, the replication role (when
    /// the stack has a backup copy) decrypts, by ARN; the deployers decrypt (by <c>aws:PrincipalArn</c>, never a role
    /// tagged with a stack, as for SSM). Each only through S3 in the stack's region, for objects under the prefix.
    /// </summary>
    internal static IEnumerable<PolicyStatement> KeyStatements(AwsAccountContext ctx, StackKeyS3Use use, IReadOnlyList<string> deployerArnPatterns)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(use);
        var conditions = ThroughS3(ctx.Partition, ctx.Region, use.ExportsBucket);
        var callerAccount = new PolicyCondition("StringEquals", "kms:CallerAccount", ctx.AccountId);
        yield return new("ExportTaskStoresDeploymentEnvThroughS3", "Allow", WriteKeyActions, ["*"],
            Conditions: [.. conditions, callerAccount], AwsPrincipals: [use.ExportTaskRoleArn]);
        yield return new("DeployersReadDeploymentEnvThroughS3", "Allow", ReadKeyActions, ["*"],
            Conditions:
            [
                .. conditions, callerAccount,
                new PolicyCondition("ArnLike", "aws:PrincipalArn", deployerArnPatterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()),
                new PolicyCondition("Null", $"aws:PrincipalTag/{KeyPolicies.StackTagKey}", "true"),
            ],
            AwsPrincipals: [KeyPolicies.AccountRoot(ctx)]);
        if (use.ReplicationRoleArn is { } replication)
        {
            yield return new("ReplicationReadsDeploymentEnvThroughS3", "Allow", ReadKeyActions, ["*"],
                Conditions: [.. conditions, callerAccount], AwsPrincipals: [replication]);
        }
    }

    private static List<PolicyCondition> ThroughS3(string partition, string region, string exportsBucket) =>
    [
        new("StringEquals", "kms:ViaService", S3ViaService(region)),
        new("StringLike", "kms:EncryptionContext:aws:s3:arn", ObjectArns(partition, exportsBucket)),
    ];
}

/// <summary>
/// The stack key's users through S3 (<see cref="DeploymentEnvPolicies"/>): the exports bucket, the export task's role
/// and, when the stack has a backup copy, the replication role.
/// </summary>
public sealed record StackKeyS3Use(string ExportsBucket, string ExportTaskRoleArn, string? ReplicationRoleArn);
