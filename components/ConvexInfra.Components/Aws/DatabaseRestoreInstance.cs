using System.Collections.Immutable;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Utilities;
using Rds = Pulumi.Aws.Rds;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// The restored RDS instance of a database restore (<see cref="DatabaseRestore"/>): the stack's instance arguments
/// (class, network, parameter group, encrypted gp3 storage, master password, protection) with the restore source
/// instead of a fresh database. Before it is created the source is read and checked (<see cref="DatabaseRestore.Refusal"/>):
/// a source of another instance name or stack, unencrypted or not PostgreSQL fails the update with the key and the fix.
/// </summary>
internal static class DatabaseRestoreInstance
{
    public static Rds.Instance Create(Database parent, string name, DeploymentSpec spec, DatabaseRestore restore, Rds.InstanceArgs stackArgs, Rds.Instance stackInstance)
    {
        var options = new InvokeOutputOptions { Parent = parent };

        // The stack instance's identifier as a plain value, without a dependency on that resource: returning to normal
        // removes the old instance from the state (docs/dr.md), which Pulumi refuses while another resource depends on it.
        // The old instance exists by then: a restore reads from it (or from its snapshot).
        var sourceIdentifier = Output.Create(OutputUtilities.GetValueAsync(stackInstance.Identifier)).Apply(id => id ?? throw new InvalidOperationException(
            $"{restore.Key.FullName}: the stack's database does not exist yet, so there is nothing to restore; deploy the stack first, then set {restore.Key.FullName}"));
        var checkedSource = restore.Kind == RestoreKind.Snapshot
            ? Rds.GetSnapshot.Invoke(new Rds.GetSnapshotInvokeArgs { DbSnapshotIdentifier = restore.SnapshotId! }, options)
                .Apply(s => Check(spec, restore, new RestoreSource($"snapshot {restore.SnapshotId}", Tags(s.Tags), s.Engine, s.Encrypted), s.Id))
            : Rds.GetInstance.Invoke(new Rds.GetInstanceInvokeArgs { DbInstanceIdentifier = sourceIdentifier }, options)
                .Apply(i => Check(spec, restore, new RestoreSource($"instance {i.DbInstanceIdentifier} (the stack's database)", Tags(i.Tags), i.Engine, i.StorageEncrypted), i.DbInstanceIdentifier));

        var args = new Rds.InstanceArgs
        {
            InstanceClass = stackArgs.InstanceClass,
            AllocatedStorage = stackArgs.AllocatedStorage,
            MaxAllocatedStorage = stackArgs.MaxAllocatedStorage,
            StorageType = stackArgs.StorageType,
            StorageEncrypted = true,
            Password = stackArgs.Password,
            Port = stackArgs.Port,
            DbSubnetGroupName = stackArgs.DbSubnetGroupName,
            ParameterGroupName = stackArgs.ParameterGroupName,
            VpcSecurityGroupIds = stackArgs.VpcSecurityGroupIds,
            PubliclyAccessible = false,
            MultiAz = stackArgs.MultiAz,
            BackupRetentionPeriod = stackArgs.BackupRetentionPeriod,
            CopyTagsToSnapshot = true,
            DeletionProtection = stackArgs.DeletionProtection,
            SkipFinalSnapshot = stackArgs.SkipFinalSnapshot,
            AutoMinorVersionUpgrade = true,
            AllowMajorVersionUpgrade = false,
            ApplyImmediately = stackArgs.ApplyImmediately,
            Tags = RestoredTags(spec, $"{name}-postgres-restored", restore),
        };
        if (stackArgs.FinalSnapshotIdentifier is not null)
        {
            // Its own final snapshot name: the stack's instance keeps the usual one.
            args.FinalSnapshotIdentifier = $"{Database.FinalSnapshotName(spec)}-restored";
        }

        if (restore.Kind == RestoreKind.Snapshot)
        {
            args.SnapshotIdentifier = checkedSource;
        }
        else
        {
            args.RestoreToPointInTime = new Rds.Inputs.InstanceRestoreToPointInTimeArgs
            {
                SourceDbInstanceIdentifier = checkedSource,
                RestoreTime = restore.RestoreTimeText is { } time ? (Input<string>)time : null,
                UseLatestRestorableTime = restore.Kind == RestoreKind.LatestRestorableTime ? true : null,
            };
        }

        return new Rds.Instance($"{name}-postgres-restored", args, new CustomResourceOptions
        {
            Parent = parent,
            Protect = parent.Safety.Protect,

            // Dropping the restore setting by mistake moves the backend back, but never deletes the restored data.
            RetainOnDelete = true,
            CustomTimeouts = new CustomTimeouts { Create = TimeSpan.FromMinutes(120), Update = TimeSpan.FromMinutes(80) },
        });
    }

    private static string Check(DeploymentSpec spec, DatabaseRestore restore, RestoreSource source, string sourceId) =>
        restore.Refusal(spec, source) is { } refusal ? throw new InvalidOperationException(refusal) : sourceId;

    private static ImmutableDictionary<string, string> Tags(ImmutableDictionary<string, string>? tags) =>
        tags ?? ImmutableDictionary<string, string>.Empty;

    private static InputMap<string> RestoredTags(DeploymentSpec spec, string name, DatabaseRestore restore)
    {
        var tags = AwsTags.For(spec, name);
        tags.Add(DatabaseRestore.SourceTagKey, restore.Describe());
        return tags;
    }
}
