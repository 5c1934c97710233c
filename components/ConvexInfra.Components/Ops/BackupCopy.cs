using System.Globalization;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;
using Pulumi;
using PulumiAws = Pulumi.Aws;
using Iam = Pulumi.Aws.Iam;
using CommandLocal = Pulumi.Command.Local;
using Kms = Pulumi.Aws.Kms;
using S3 = Pulumi.Aws.S3;

namespace ConvexInfra.Components.Ops;

public sealed class BackupCopyArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required BackupCopyPlan Plan { get; init; }
    public required AwsAccountContext Account { get; init; }

    /// <summary>The stack's exports bucket, versioned (<see cref="ExportsVersioning"/>): the replication source.</summary>
    public required S3.Bucket ExportsBucket { get; init; }

    public required Resource ExportsVersioning { get; init; }

    /// <summary>ARN of the RDS instance that serves; its automated backups are replicated.</summary>
    public required Output<string> DatabaseArn { get; init; }

    /// <summary>The stack key: the stored deployment variables are SSE-KMS with it, so replication decrypts them through S3.</summary>
    public required Output<string> StackKeyArn { get; init; }
}

/// <summary>
/// The backup copy (<see cref="BackupCopyPlan"/>): a versioned, Object-Locked copy bucket in the copy region (in the
/// copy account when <c>backupCopyRoleArn</c> is set), encrypted with its own KMS key there, fed by S3 replication of
/// the exports bucket through a replication role that can read versions and write replicas only; and the RDS automated
/// backups replicated to the copy region with a key of their own (started by a command, which does not wait for RDS to
/// report it replicating). Every resource of the copy region names it in its
/// <c>region</c> input (the provider's per-resource region), so the stack's provider serves it; only another account
/// needs a provider of its own (assuming the given role).
/// </summary>
public sealed class BackupCopy : ComponentResource
{
    public Output<string> CopyBucketName { get; }

    /// <summary>The replication role: the stack key's policy lets it decrypt the stored deployment variables through S3.</summary>
    public Output<string> ReplicationRoleArn { get; }

    public BackupCopy(string name, BackupCopyArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.BackupCopy, name, options)
    {
        var spec = args.Spec;
        var plan = args.Plan;
        var ctx = args.Account;
        var child = new CustomResourceOptions { Parent = this };
        var copyAccount = plan.AccountId ?? ctx.AccountId;

        // Another account: its resources go through a provider that assumes the given role there.
        var inCopyAccount = new CustomResourceOptions { Parent = this };
        if (plan.AccountRoleArn is { } roleArn)
        {
            inCopyAccount.Provider = new PulumiAws.Provider($"{name}-account", new PulumiAws.ProviderArgs
            {
                Region = plan.Region,
                AllowedAccountIds = { copyAccount },
                AssumeRoles = { new PulumiAws.Inputs.ProviderAssumeRoleArgs { RoleArn = roleArn, SessionName = $"convex-infra-{spec.StackName}" } },
            }, child);
        }

        var replicationRole = new Iam.Role($"{name}-replication", new Iam.RoleArgs
        {
            AssumeRolePolicy = BackupCopyPolicies.ReplicationAssumeRole(),
            Description = $"S3 replication of the exports of {spec.StackName}/{spec.InstanceName} to {plan.Region}",
            Tags = AwsTags.For(spec, $"{name}-replication"),
        }.WithBoundary(spec, ctx), child);
        ReplicationRoleArn = replicationRole.Arn;

        var copyKey = new Kms.Key($"{name}-exports-key", new Kms.KeyArgs
        {
            Region = plan.Region,
            Description = $"Copies of the exports of {spec.ProjectName}/{spec.StackName}",
            EnableKeyRotation = true,
            DeletionWindowInDays = 30,
            Policy = replicationRole.Arn.Apply(role => BackupCopyPolicies.CopyKeyPolicy(ctx.Partition, copyAccount, plan.Region, role)),
            Tags = AwsTags.For(spec, $"{name}-exports-key"),
        }, Clone(inCopyAccount));

        var copyBucket = CopyBucket(name, spec, plan, copyKey, replicationRole, ctx, inCopyAccount);
        CopyBucketName = copyBucket.Bucket.BucketName;

        var replicationPolicy = new Iam.RolePolicy($"{name}-replication", new Iam.RolePolicyArgs
        {
            Role = replicationRole.Name,
            Policy = Output.Tuple(args.ExportsBucket.BucketName, copyBucket.Bucket.BucketName, copyKey.Arn, args.StackKeyArn)
                .Apply(t => BackupCopyPolicies.ReplicationRole(ctx.Partition, t.Item1, t.Item2, t.Item3, plan.Region, t.Item4, plan.SourceRegion)),
        }, child);

        // S3 checks the role and the destination when the configuration is written: after the role's policy, the copy
        // bucket's versioning and lock, and the source's versioning.
        _ = new S3.BucketReplicationConfig($"{name}-exports", new S3.BucketReplicationConfigArgs
        {
            Bucket = args.ExportsBucket.Id,
            Role = replicationRole.Arn,
            Rules =
            {
                new S3.Inputs.BucketReplicationConfigRuleArgs
                {
                    Id = "exports-to-backup-copy",
                    Status = "Enabled",
                    Filter = new S3.Inputs.BucketReplicationConfigRuleFilterArgs { Prefix = "" },
                    // Deleting in the source never reaches the copy.
                    DeleteMarkerReplication = new S3.Inputs.BucketReplicationConfigRuleDeleteMarkerReplicationArgs { Status = "Disabled" },
                    // The stored deployment variables are SSE-KMS (stack key): without this S3 skips them, and their
                    // replicas are encrypted with the copy key. SSE-S3 exports replicate as SSE-S3 (docs/dr.md).
                    SourceSelectionCriteria = new S3.Inputs.BucketReplicationConfigRuleSourceSelectionCriteriaArgs
                    {
                        SseKmsEncryptedObjects = new S3.Inputs.BucketReplicationConfigRuleSourceSelectionCriteriaSseKmsEncryptedObjectsArgs { Status = "Enabled" },
                    },
                    Destination = new S3.Inputs.BucketReplicationConfigRuleDestinationArgs
                    {
                        Bucket = copyBucket.Bucket.Arn,
                        StorageClass = "STANDARD",
                        Account = plan.AccountId is { } account ? (Input<string>)account : null,
                        EncryptionConfiguration = new S3.Inputs.BucketReplicationConfigRuleDestinationEncryptionConfigurationArgs { ReplicaKmsKeyId = copyKey.Arn },
                    },
                },
            },
        }, new CustomResourceOptions { Parent = this, DependsOn = { replicationPolicy, args.ExportsVersioning, copyBucket.Versioning, copyBucket.Lock, copyBucket.Policy } });

        if (plan.ReplicatesDatabaseBackups)
        {
            // RDS replicates automated backups within the stack's account only; the key is the stack account's, in the copy region.
            var databaseKey = new Kms.Key($"{name}-database-key", new Kms.KeyArgs
            {
                Region = plan.Region,
                Description = $"Replicated RDS automated backups of {spec.ProjectName}/{spec.StackName}",
                EnableKeyRotation = true,
                DeletionWindowInDays = 30,
                Policy = BackupCopyPolicies.DatabaseCopyKeyPolicy(ctx.Partition, ctx.AccountId),
                Tags = AwsTags.For(spec, $"{name}-database-key"),
            }, child);
            DatabaseReplication($"{name}-database", plan, args.DatabaseArn, databaseKey.Arn, this);
        }

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["copyBucket"] = CopyBucketName,
            ["copyRegion"] = plan.Region,
        });
    }

    /// <summary>
    /// The RDS automated backups replication, started by a command on the machine running pulumi up
    /// (<see cref="DatabaseBackupReplication"/>): it returns once RDS accepted the start, not once RDS reports it
    /// replicating, so it does not hold pulumi up after the database. Any change of its inputs restarts the replication:
    /// the old one is stopped first (delete before replace), as a new start would otherwise adopt the old replication and
    /// the old command's delete would then stop it. The alias takes over the state of the provider's managed resource of
    /// stacks created before (same name and parent): the changed provider makes the engine replace it, so the first
    /// pulumi up after the change stops that replication and starts it again (docs/dr.md).
    /// </summary>
    private static CommandLocal.Command DatabaseReplication(string name, BackupCopyPlan plan, Output<string> databaseArn, Output<string> keyArn, Resource parent)
    {
        var retention = plan.RdsRetentionDays.ToString(CultureInfo.InvariantCulture);
        return new CommandLocal.Command(name, new CommandLocal.CommandArgs
        {
            Create = DatabaseBackupReplication.StartScript,
            Delete = DatabaseBackupReplication.StopScript,
            Interpreter = { "/bin/bash", "-c" },
            Environment =
            {
                { DatabaseBackupReplication.SourceRegionVariable, plan.SourceRegion },
                { DatabaseBackupReplication.CopyRegionVariable, plan.Region },
                { DatabaseBackupReplication.SourceDbArnVariable, databaseArn },
                { DatabaseBackupReplication.KmsKeyArnVariable, keyArn },
                { DatabaseBackupReplication.RetentionDaysVariable, retention },
            },
            Triggers = new InputList<object>
            {
                (Input<object>)databaseArn.Apply(arn => (object)arn),
                (Input<object>)plan.Region,
                (Input<object>)keyArn.Apply(arn => (object)arn),
                (Input<object>)retention,
            },
        }, new CustomResourceOptions
        {
            Parent = parent,
            DeleteBeforeReplace = true,
            Aliases = { new Alias { Type = ResourceTypes.DbBackupsReplication } },
        });
    }

    private sealed record CopyBucketParts(S3.Bucket Bucket, Resource Versioning, Resource Lock, Resource Policy);

    /// <summary>
    /// The copy bucket: Object Lock from birth (a new bucket, so <c>objectLockEnabled</c> replaces nothing), versioned,
    /// SSE-KMS with the copy key, private, TLS only, no erase by anyone; copies expire after their lock.
    /// </summary>
    private static CopyBucketParts CopyBucket(string name, DeploymentSpec spec, BackupCopyPlan plan, Kms.Key key, Iam.Role replicationRole, AwsAccountContext ctx, CustomResourceOptions inCopyAccount)
    {
        var resourceName = $"{name}-exports";
        var retain = spec.Protection.RetainBucketsOnDelete;
        var bucketOptions = Clone(inCopyAccount);
        bucketOptions.RetainOnDelete = retain;
        bucketOptions.Protect = DataSafety.For(spec).Protect;
        var bucket = new S3.Bucket(resourceName, new S3.BucketArgs
        {
            Region = plan.Region,
            BucketPrefix = BucketNaming.Prefix(spec, "exports-copy"),
            ObjectLockEnabled = true,
            ForceDestroy = !retain,
            Tags = AwsTags.For(spec, resourceName),
        }, bucketOptions);

        _ = new S3.BucketOwnershipControls(resourceName, new S3.BucketOwnershipControlsArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            Rule = new S3.Inputs.BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        }, Clone(inCopyAccount));
        var publicAccess = new S3.BucketPublicAccessBlock(resourceName, new S3.BucketPublicAccessBlockArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        }, Clone(inCopyAccount));
        _ = new S3.BucketServerSideEncryptionConfiguration(resourceName, new S3.BucketServerSideEncryptionConfigurationArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            Rules =
            {
                new S3.Inputs.BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault = new S3.Inputs.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                    {
                        SseAlgorithm = "aws:kms",
                        KmsMasterKeyId = key.Arn,
                    },
                    BucketKeyEnabled = true,
                },
            },
        }, Clone(inCopyAccount));

        var crossAccountRole = plan.AccountId is null ? Output.Create((string?)null) : replicationRole.Arn.Apply(arn => (string?)arn);
        var policyOptions = Clone(inCopyAccount);
        policyOptions.DependsOn = publicAccess;
        var policy = new S3.BucketPolicy(resourceName, new S3.BucketPolicyArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            Policy = Output.Tuple(bucket.BucketName, crossAccountRole).Apply(t => BackupCopyPolicies.CopyBucketPolicy(ctx.Partition, t.Item1, t.Item2)),
        }, policyOptions);

        var versioning = new S3.BucketVersioning(resourceName, new S3.BucketVersioningArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            VersioningConfiguration = new S3.Inputs.BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
        }, Clone(inCopyAccount));
        var lockOptions = Clone(inCopyAccount);
        lockOptions.DependsOn = versioning;
        var objectLock = new S3.BucketObjectLockConfiguration(resourceName, new S3.BucketObjectLockConfigurationArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            ObjectLockEnabled = "Enabled",
            Rule = new S3.Inputs.BucketObjectLockConfigurationRuleArgs
            {
                DefaultRetention = new S3.Inputs.BucketObjectLockConfigurationRuleDefaultRetentionArgs { Mode = plan.Lock.S3Mode, Days = plan.Lock.Days },
            },
        }, lockOptions);

        // Copies expire once their lock has ended (S3 lifecycle respects the lock); replaced versions a day later.
        _ = new S3.BucketLifecycleConfiguration(resourceName, new S3.BucketLifecycleConfigurationArgs
        {
            Region = plan.Region,
            Bucket = bucket.Id,
            Rules =
            {
                new S3.Inputs.BucketLifecycleConfigurationRuleArgs
                {
                    Id = "expire-copies-after-their-lock",
                    Status = "Enabled",
                    Filter = new S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                    Expiration = new S3.Inputs.BucketLifecycleConfigurationRuleExpirationArgs { Days = plan.Lock.Days },
                    NoncurrentVersionExpiration = new S3.Inputs.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs { NoncurrentDays = 1 },
                    AbortIncompleteMultipartUpload = new S3.Inputs.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs { DaysAfterInitiation = 7 },
                },
            },
        }, Clone(inCopyAccount));

        return new CopyBucketParts(bucket, versioning, objectLock, policy);
    }

    private static CustomResourceOptions Clone(CustomResourceOptions options) =>
        new() { Parent = options.Parent, Provider = options.Provider };
}
