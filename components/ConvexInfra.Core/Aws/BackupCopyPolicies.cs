using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// The policies of the backup copy (<see cref="BackupCopyPlan"/>): the S3 replication role, the copy bucket's policy and
/// the two keys in the copy region. The replication role may read the source's versions for replication and write
/// replicas, nothing else: no <c>s3:ReplicateDelete</c> (deleting in the source never reaches the copy), no delete, no
/// retention change. The copy bucket refuses erasing a copy to everyone, as the locked exports bucket does.
/// </summary>
public static class BackupCopyPolicies
{
    /// <summary>What S3 replication reads in the source: the configuration, the listing, and each version with its ACL, tags and lock.</summary>
    public static IReadOnlyList<string> SourceObjectActions { get; } =
        ["s3:GetObjectLegalHold", "s3:GetObjectRetention", "s3:GetObjectVersionAcl", "s3:GetObjectVersionForReplication", "s3:GetObjectVersionTagging"];

    /// <summary>What it writes in the copy: replicas and their tags. Delete markers are not replicated.</summary>
    public static IReadOnlyList<string> CopyObjectActions { get; } = ["s3:ReplicateObject", "s3:ReplicateTags"];

    public static string ReplicationAssumeRole() =>
        PolicyDocument.Render([new("AllowS3AssumeRole", "Allow", ["sts:AssumeRole"], [], ServicePrincipal: "s3.amazonaws.com")]);

    /// <summary>
    /// What the replication role asks of the copy key: Encrypt (and GenerateDataKey) for replicas, and Decrypt, which S3
    /// calls to check an S3 Bucket Key of the destination before using it (the copy bucket has one). AWS S3 User Guide,
    /// "Replicating encrypted objects", section "S3 Bucket Keys and replication" (awsdocs/amazon-s3-userguide
    /// doc_source/replication-config-for-kms-objects.md).
    /// </summary>
    public static IReadOnlyList<string> CopyKeyActions { get; } = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

    /// <summary>
    /// The replication role: the source exports bucket's versions, the copy bucket's replicas, the copy key only for S3
    /// in the copy region (replicas of SSE-KMS objects are encrypted with it), and the stack key only for S3 in the source
    /// region and only for the stored deployment variables (the exports bucket's only SSE-KMS objects; replication
    /// decrypts each source version with its key).
    /// </summary>
    public static string ReplicationRole(string partition, string sourceBucket, string copyBucket, string copyKeyArn, string copyRegion, string stackKeyArn, string sourceRegion)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(copyKeyArn);
        return PolicyDocument.Render(
        [
            new("ReadSourceConfiguration", "Allow", ["s3:GetReplicationConfiguration", "s3:ListBucket"], [AwsArns.Bucket(partition, sourceBucket)]),
            new("ReadSourceVersions", "Allow", SourceObjectActions, [AwsArns.BucketObjects(partition, sourceBucket)]),
            new("WriteReplicas", "Allow", CopyObjectActions, [AwsArns.BucketObjects(partition, copyBucket)]),
            new("EncryptReplicas", "Allow", CopyKeyActions, [copyKeyArn],
                Conditions: [new PolicyCondition("StringEquals", "kms:ViaService", DeploymentEnvPolicies.S3ViaService(copyRegion))]),
            DeploymentEnvPolicies.ReplicationReadsSource(partition, sourceRegion, sourceBucket, stackKeyArn),
        ]);
    }

    /// <summary>
    /// The copy bucket: TLS only, nobody may erase a copy or change its retention (<see cref="IamPolicies.ExportEraseActions"/>);
    /// in another account, the stack's replication role may write replicas (a bucket policy is the only way to let a
    /// role of another account in).
    /// </summary>
    public static string CopyBucketPolicy(string partition, string copyBucket, string? crossAccountReplicationRoleArn)
    {
        var statements = IamPolicies.ExportsBucketStatements(partition, copyBucket, locked: true);
        if (crossAccountReplicationRoleArn is not null)
        {
            statements.Add(new("StackReplicationRoleWritesReplicas", "Allow", CopyObjectActions, [AwsArns.BucketObjects(partition, copyBucket)],
                AwsPrincipals: [crossAccountReplicationRoleArn]));
            statements.Add(new("StackReplicationRoleReadsVersioning", "Allow", ["s3:GetBucketVersioning", "s3:ListBucket"], [AwsArns.Bucket(partition, copyBucket)],
                AwsPrincipals: [crossAccountReplicationRoleArn]));
        }

        return PolicyDocument.Render(statements);
    }

    /// <summary>
    /// The copy bucket's key: the owning account administers it (its IAM policies decide who) and reads copies only
    /// through S3 (a restore); the replication role encrypts replicas through S3 (and decrypts, to check the bucket key).
    /// </summary>
    public static string CopyKeyPolicy(string partition, string accountId, string region, string replicationRoleArn)
    {
        var root = $"arn:{partition}:iam::{accountId}:root";
        var viaS3 = new PolicyCondition("StringEquals", "kms:ViaService", $"s3.{region}.amazonaws.com");
        return PolicyDocument.Render(
        [
            new("KeyAdministration", "Allow", KeyPolicies.AdministrationActions, ["*"], AwsPrincipals: [root]),
            new("ReadCopiesThroughS3", "Allow", ["kms:Decrypt", "kms:DescribeKey"], ["*"], Conditions: [viaS3], AwsPrincipals: [root]),
            new("ReplicationRoleEncrypts", "Allow", CopyKeyActions, ["*"], Conditions: [viaS3], AwsPrincipals: [replicationRoleArn]),
        ]);
    }

    /// <summary>
    /// The key of the replicated RDS backups (stack account, copy region): administered by the account, used only by RDS
    /// through grants (StartDBInstanceAutomatedBackupsReplication and a restore create one for the AWS resource).
    /// </summary>
    public static string DatabaseCopyKeyPolicy(string partition, string accountId)
    {
        var root = $"arn:{partition}:iam::{accountId}:root";
        return PolicyDocument.Render(
        [
            new("KeyAdministration", "Allow", KeyPolicies.AdministrationActions, ["*"], AwsPrincipals: [root]),
            new("GrantsForRdsOnly", "Allow", ["kms:CreateGrant", "kms:DescribeKey"], ["*"],
                Conditions: [new PolicyCondition("Bool", "kms:GrantIsForAWSResource", "true")], AwsPrincipals: [root]),
        ]);
    }
}
