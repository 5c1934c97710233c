using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using S3 = Pulumi.Aws.S3;

namespace ConvexInfra.Components.Aws;

public sealed class StorageArgs
{
    public required DeploymentSpec Spec { get; init; }

    /// <summary>AWS partition (<c>aws</c>, <c>aws-cn</c>, ...) for the bucket policy ARNs.</summary>
    public required string Partition { get; init; }
}

/// <summary>
/// The five buckets the backend's S3 mode needs (all five or none): private, encrypted, TLS-only, versioned where
/// user data and backups live (files, modules, exports), with lifecycle rules on the transient ones (exports, snapshot
/// imports). Exports are also locked against deletion by tier (Core.Ops.BackupPlan.ExportLock).
/// Non-dev buckets are protected (as the database is) and retained when the stack is destroyed.
/// </summary>
public sealed class Storage : ComponentResource
{

    /// <summary>Days after which uploaded snapshot imports are deleted; an import finishes within minutes.</summary>
    public const int SnapshotImportExpirationDays = 7;

    /// <summary>Days a replaced or deleted version of a file or module stays recoverable.</summary>
    public const int NoncurrentVersionDays = 30;

    public Output<BucketNames> BucketNames { get; }

    /// <summary>The exports bucket, the source of the backup copy's replication.</summary>
    public S3.Bucket ExportsBucket { get; }

    /// <summary>The exports bucket's versioning: S3 accepts a replication configuration only once versioning is on.</summary>
    public Resource ExportsVersioning => versioning["exports"];

    private readonly Dictionary<string, S3.BucketVersioning> versioning = new(StringComparer.Ordinal);

    public Storage(string name, StorageArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Storage, name, options)
    {
        // The scheduled exports are the logical backups: they expire by tier (Core.Ops.BackupPlan), not after a fixed 14 days,
        // and are versioned and (unless the tier or exportLockMode says none) locked against deletion for that long.
        var backups = Core.Ops.BackupPlan.For(args.Spec);
        var exports = Bucket(name, args, "exports", versioned: true, expireAfterDays: backups.ExportRetentionDays);
        if (backups.ExportLock.Enabled)
        {
            LockExports(name, exports, backups.ExportLock);
        }

        ExportsBucket = exports;

        var imports = Bucket(name, args, "imports", versioned: false, expireAfterDays: SnapshotImportExpirationDays);
        var modules = Bucket(name, args, "modules", versioned: true, expireAfterDays: null);
        var files = Bucket(name, args, "files", versioned: true, expireAfterDays: null);
        var search = Bucket(name, args, "search", versioned: false, expireAfterDays: null);

        BucketNames = Output.Tuple(exports.BucketName, imports.BucketName, modules.BucketName, files.BucketName, search.BucketName)
            .Apply(n => new BucketNames(n.Item1, n.Item2, n.Item3, n.Item4, n.Item5));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["exports"] = exports.BucketName,
            ["snapshotImports"] = imports.BucketName,
            ["modules"] = modules.BucketName,
            ["files"] = files.BucketName,
            ["search"] = search.BucketName,
        });
    }

    private S3.Bucket Bucket(string name, StorageArgs args, string purpose, bool versioned, int? expireAfterDays)
    {
        var spec = args.Spec;
        var resourceName = $"{name}-{purpose}";
        var retain = spec.Protection.RetainBucketsOnDelete;
        // Protected like the database (DataSafety, one decision from the spec): retain-on-delete alone still lets a
        // `pulumi destroy` or a replacement drop the bucket from the stack without asking.
        var protect = DataSafety.For(spec).Protect;
        var bucket = new S3.Bucket(resourceName, new S3.BucketArgs
        {
            BucketPrefix = BucketNaming.Prefix(spec, purpose),
            // Only throwaway stacks may delete a bucket that still holds objects.
            ForceDestroy = !retain,
            Tags = AwsTags.For(spec, resourceName),
        }, new CustomResourceOptions { Parent = this, RetainOnDelete = retain, Protect = protect });

        var child = new CustomResourceOptions { Parent = this };
        _ = new S3.BucketOwnershipControls(resourceName, new S3.BucketOwnershipControlsArgs
        {
            Bucket = bucket.Id,
            Rule = new S3.Inputs.BucketOwnershipControlsRuleArgs { ObjectOwnership = "BucketOwnerEnforced" },
        }, child);

        var publicAccess = new S3.BucketPublicAccessBlock(resourceName, new S3.BucketPublicAccessBlockArgs
        {
            Bucket = bucket.Id,
            BlockPublicAcls = true,
            BlockPublicPolicy = true,
            IgnorePublicAcls = true,
            RestrictPublicBuckets = true,
        }, child);

        _ = new S3.BucketServerSideEncryptionConfiguration(resourceName, new S3.BucketServerSideEncryptionConfigurationArgs
        {
            Bucket = bucket.Id,
            Rules =
            {
                new S3.Inputs.BucketServerSideEncryptionConfigurationRuleArgs
                {
                    ApplyServerSideEncryptionByDefault =
                        new S3.Inputs.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs
                        {
                            SseAlgorithm = "AES256",
                        },
                    BucketKeyEnabled = true,
                },
            },
        }, child);

        // S3 rejects two policy-related writes on one bucket at once: write the policy after the access block.
        _ = new S3.BucketPolicy(resourceName, new S3.BucketPolicyArgs
        {
            Bucket = bucket.Id,
            Policy = bucket.BucketName.Apply(b => StackPolicies.BucketPolicy(spec, args.Partition, purpose, b)),
        }, new CustomResourceOptions { Parent = this, DependsOn = { publicAccess } });

        if (versioned)
        {
            versioning[purpose] = new S3.BucketVersioning(resourceName, new S3.BucketVersioningArgs
            {
                Bucket = bucket.Id,
                VersioningConfiguration = new S3.Inputs.BucketVersioningVersioningConfigurationArgs { Status = "Enabled" },
            }, child);
        }

        _ = new S3.BucketLifecycleConfiguration(resourceName, new S3.BucketLifecycleConfigurationArgs
        {
            Bucket = bucket.Id,
            Rules = LifecycleRules(versioned, expireAfterDays),
        }, child);

        return bucket;
    }

    /// <summary>
    /// Object Lock as its own resource, never <c>BucketArgs.ObjectLockEnabled</c>: that input is ForceNew in the
    /// provider (internal/service/s3/bucket.go, schema "object_lock_enabled"), so setting it would replace the existing,
    /// protected exports bucket of every stack. PutObjectLockConfiguration with ObjectLockEnabled "Enabled" turns the lock
    /// on for an existing bucket once versioning is on, without the support token it once needed
    /// (internal/service/s3/bucket_object_lock_configuration.go, resourceBucketObjectLockConfigurationCreate;
    /// website/docs/r/s3_bucket_object_lock_configuration.html.markdown, "token ... deprecated"), hence the dependency on
    /// the versioning resource. Uploads into a locked bucket need a checksum header: the backend sends CRC32 part
    /// checksums unless the stack disables checksums, which it never does (reference/convex-facts.md, "S3 storage").
    /// </summary>
    private void LockExports(string name, S3.Bucket exports, Core.Ops.ExportLock exportLock)
    {
        _ = new S3.BucketObjectLockConfiguration($"{name}-exports", new S3.BucketObjectLockConfigurationArgs
        {
            Bucket = exports.Id,
            ObjectLockEnabled = "Enabled",
            Rule = new S3.Inputs.BucketObjectLockConfigurationRuleArgs
            {
                DefaultRetention = new S3.Inputs.BucketObjectLockConfigurationRuleDefaultRetentionArgs
                {
                    Mode = exportLock.S3Mode,
                    Days = exportLock.Days,
                },
            },
        }, new CustomResourceOptions { Parent = this, DependsOn = { versioning["exports"] } });
    }

    private static InputList<S3.Inputs.BucketLifecycleConfigurationRuleArgs> LifecycleRules(bool versioned, int? expireAfterDays)
    {
        var rules = new InputList<S3.Inputs.BucketLifecycleConfigurationRuleArgs>
        {
            new S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "abort-incomplete-uploads",
                Status = "Enabled",
                Filter = new S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                AbortIncompleteMultipartUpload =
                    new S3.Inputs.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs { DaysAfterInitiation = 7 },
            },
        };
        if (expireAfterDays is { } days)
        {
            rules.Add(new S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "expire-transient-objects",
                Status = "Enabled",
                Filter = new S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                Expiration = new S3.Inputs.BucketLifecycleConfigurationRuleExpirationArgs { Days = days },
            });
        }

        if (versioned)
        {
            rules.Add(new S3.Inputs.BucketLifecycleConfigurationRuleArgs
            {
                Id = "expire-noncurrent-versions",
                Status = "Enabled",
                Filter = new S3.Inputs.BucketLifecycleConfigurationRuleFilterArgs { Prefix = "" },
                NoncurrentVersionExpiration =
                    new S3.Inputs.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs { NoncurrentDays = NoncurrentVersionDays },
            });
        }

        return rules;
    }
}
