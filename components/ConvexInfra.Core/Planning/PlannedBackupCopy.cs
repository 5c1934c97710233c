using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using T = ConvexInfra.Core.Planning.ResourceTypes;

namespace ConvexInfra.Core.Planning;

/// <summary>The backup copy's resources and its replication role's policy in a plan (<see cref="BackupCopyPlan"/>), as the BackupCopy component registers them.</summary>
internal static class PlannedBackupCopy
{
    public const string Group = "backup-copy";

    /// <summary>The component's name after the stack's root (the plan's file names follow it).</summary>
    public const string ReplicationPolicyName = "backup-copy-replication";

    public static IEnumerable<PlannedResource> For(DeploymentSpec spec)
    {
        if (BackupCopyPlan.For(spec) is not { } copy)
        {
            yield break;
        }

        var where = copy.AccountId is { } account ? $"{copy.Region}, account {account}" : copy.Region;
        if (copy.AccountRoleArn is { } role)
        {
            yield return new(Group, T.AwsProvider, 1, $"AWS provider for the copy account: assumes {role} in {copy.Region}");
        }

        yield return new(Group, T.Bucket, 1, $"exports copy in {where}: Object Lock from creation, private, TLS-only" +
            (spec.Protection.RetainBucketsOnDelete ? ", retained on delete" : string.Empty));
        yield return new(Group, T.BucketOwnershipControls, 1, "bucket owner enforced (replicas belong to the copy's account)");
        yield return new(Group, T.BucketPublicAccessBlock, 1, "all public access blocked");
        yield return new(Group, T.BucketEncryption, 1, "SSE-KMS with the copy's own key");
        yield return new(Group, T.BucketPolicy, 1, "deny non-TLS requests; nobody may delete a copy or change its retention" +
            (copy.AccountId is null ? string.Empty : "; the stack's replication role writes replicas"));
        yield return new(Group, T.BucketVersioning, 1, "versioning on the copy");
        yield return new(Group, T.BucketObjectLock, 1, $"Object Lock on the copy: {copy.Lock.S3Mode.ToLowerInvariant()} mode, {copy.Lock.Days} days");
        yield return new(Group, T.BucketLifecycle, 1, $"copies expire after their {copy.Lock.Days}-day lock, replaced versions a day later");
        yield return new(Group, T.KmsKey, copy.ReplicatesDatabaseBackups ? 2 : 1,
            $"keys in {copy.Region}: the exports copy's" + (copy.ReplicatesDatabaseBackups ? " and the replicated RDS backups' (stack account)" : string.Empty));
        yield return new(Group, T.Role, 1, "S3 replication role: read the exports' versions, write replicas, never delete");
        yield return new(Group, T.RolePolicy, 1, $"{AwsPlanArtifacts.RolePolicyFolder}{ReplicationPolicyName}.json");
        yield return new(Group, T.BucketReplication, 1, $"exports bucket → the copy in {where} (delete markers not replicated)");
        if (copy.ReplicatesDatabaseBackups)
        {
            yield return new(Group, T.Command, 1, $"starts the RDS automated backups replication to {copy.Region}, kept {copy.RdsRetentionDays} days " +
                "(aws rds start-db-instance-automated-backups-replication; pulumi up does not wait for RDS to report it replicating)");
        }
    }

    /// <summary>The replication role's policy with placeholders for the bucket names and the copy key.</summary>
    public static IEnumerable<RenderedFile> Artifacts(DeploymentSpec spec)
    {
        if (BackupCopyPlan.For(spec) is not { } copy)
        {
            yield break;
        }

        var aws = PlanPlaceholders.Aws(spec);
        var copyBucket = PlanPlaceholders.ExportsCopyBucket(spec);
        var copyKey = $"arn:aws:kms:{copy.Region}:{copy.AccountId ?? PlanPlaceholders.AccountId}:key/{PlanPlaceholders.Marker}";
        yield return new RenderedFile($"{AwsPlanArtifacts.RolePolicyFolder}{ReplicationPolicyName}.json",
            BackupCopyPolicies.ReplicationRole("aws", aws.Buckets.Exports, copyBucket, copyKey, copy.Region, PlanPlaceholders.KmsKeyArn(spec), copy.SourceRegion) + "\n", "0644");
    }
}
