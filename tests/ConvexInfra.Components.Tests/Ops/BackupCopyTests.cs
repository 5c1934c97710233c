using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// Issue 24, item 1: the backup copy. Prod stacks replicate their exports into a locked, KMS-encrypted, versioned bucket
/// in another region and replicate the RDS automated backups there; dev and staging have none of it unless asked.
/// The replication role and the copy bucket's policy are judged by Core's IAM evaluator on what the program rendered.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class BackupCopyTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string BucketType = "aws:s3/bucket:Bucket";
    private const string Replication = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
    private const string OldDbReplication = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";
    private const string Command = "command:local:Command";
    private const string LockType = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";
    private const string KeyType = "aws:kms/key:Key";

    public static TheoryData<string> Stacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Prod_has_the_copy_and_the_other_tiers_have_none_unless_asked(string stack)
    {
        var run = await runs.GetAsync(stack);
        var copy = BackupCopyPlan.For(run.Spec);
        Assert.Equal(run.Spec.Tier == Tier.Prod, copy is not null);
        if (copy is null)
        {
            Assert.Empty(run.OfType(Replication));
            Assert.DoesNotContain(run.Registered, IsDbReplication);
            Assert.DoesNotContain(run.Registered, r => r.Name!.Contains("-backup-copy", StringComparison.Ordinal));
            Assert.DoesNotContain(run.Registered, r => r.Text("region") is not null && r.Text("region") != run.Spec.Region && r.Text("region") != "us-east-1");
            return;
        }

        AssertCopy(run, copy, expectedMode: "COMPLIANCE");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    public async Task Asking_for_the_copy_on_another_tier_adds_it_in_governance_mode(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.With(StackFiles.Load(stack), SettingKeys.BackupCopy.FullName, "true"));
        var copy = BackupCopyPlan.For(run.Spec);

        Assert.NotNull(copy);
        AssertCopy(run, copy, expectedMode: "GOVERNANCE");
    }

    [Fact]
    public async Task Prod_can_turn_the_copy_off_and_choose_region_mode_and_days()
    {
        var off = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("prod"), SettingKeys.BackupCopy.FullName, "false"));
        Assert.Empty(off.OfType(Replication));
        Assert.DoesNotContain(off.Registered, IsDbReplication);

        var config = StackFiles.With(StackFiles.Load("prod"), SettingKeys.BackupCopyRegion.FullName, "us-east-2");
        config = StackFiles.With(config, SettingKeys.BackupCopyLockMode.FullName, "governance");
        config = StackFiles.With(config, SettingKeys.BackupCopyLockDays.FullName, "90");
        var run = await StackRun.RunAsync(config);
        var copyBucket = CopyBucket(run);
        Assert.Equal("us-east-2", copyBucket.Text("region"));
        var retention = Assert.Single(run.OfType(LockType), l => l.Text("bucket") == run.IdOf(copyBucket)).Map("rule").Map("defaultRetention");
        Assert.Equal("GOVERNANCE", retention.Text("mode"));
        Assert.Equal("90", retention.Text("days"));
        Assert.Equal("us-east-2", Assert.Single(run.Registered, IsDbReplication).Map("environment").Text(DatabaseBackupReplication.CopyRegionVariable));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_replication_role_reads_versions_and_writes_replicas_and_nothing_else(string stack)
    {
        var run = await runs.GetAsync(stack);
        if (BackupCopyPlan.For(run.Spec) is null)
        {
            return;
        }

        var exports = $"arn:aws:s3:::{ExportsBucket(run)}";
        var copy = $"arn:aws:s3:::{run.IdOf(CopyBucket(run))}";
        var policy = IamPolicy.Parse(Assert.Single(run.OfType("aws:iam/rolePolicy:RolePolicy"), p => p.Name!.EndsWith("-backup-copy-replication", StringComparison.Ordinal)).Text("policy")!);

        Assert.Equal(IamDecision.Allowed, policy.Evaluate(Request("s3:GetObjectVersionForReplication", $"{exports}/a/export.zip")));
        Assert.Equal(IamDecision.Allowed, policy.Evaluate(Request("s3:ReplicateObject", $"{copy}/a/export.zip")));
        Assert.Equal(IamDecision.Allowed, policy.Evaluate(Request("s3:GetReplicationConfiguration", exports)));

        // Deletes never travel, and the role can neither erase nor weaken anything, in the source or in the copy.
        foreach (var target in new[] { exports, copy })
        {
            Assert.All(IamPolicies.ExportEraseActions.Append("s3:ReplicateDelete").Append("s3:DeleteObjectTagging"), action =>
                Assert.NotEqual(IamDecision.Allowed, policy.Evaluate(Request(action, $"{target}/a/export.zip"))));
            Assert.All(IamPolicies.ExportWeakenBucketActions, action => Assert.NotEqual(IamDecision.Allowed, policy.Evaluate(Request(action, target))));
        }

        // No other bucket of the stack: the files, modules and search data are not the role's business.
        foreach (var other in run.OfType(BucketType).Select(run.IdOf).Where(b => b != ExportsBucket(run) && b != run.IdOf(CopyBucket(run))))
        {
            Assert.NotEqual(IamDecision.Allowed, policy.Evaluate(Request("s3:GetObjectVersionForReplication", $"arn:aws:s3:::{other}/x")));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Nobody_may_erase_a_copy(string stack)
    {
        var run = await runs.GetAsync(stack);
        if (BackupCopyPlan.For(run.Spec) is null)
        {
            return;
        }

        var copy = run.IdOf(CopyBucket(run));
        var policy = IamPolicy.Parse(Assert.Single(run.OfType("aws:s3/bucketPolicy:BucketPolicy"), p => p.Text("bucket") == copy).Text("policy")!);
        Assert.All(IamPolicies.ExportEraseActions, action =>
            Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(Request(action, $"arn:aws:s3:::{copy}/a/export.zip"))));
        var plain = new IamRequest("s3:GetObject", $"arn:aws:s3:::{copy}/a/export.zip", new Dictionary<string, string> { ["aws:SecureTransport"] = "false" }, "plain HTTP");
        Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(plain));
    }

    [Fact]
    public async Task Another_account_gets_the_copy_through_an_assumed_role_and_the_database_copy_stays_in_the_stack_account()
    {
        const string role = "arn:aws:iam::444444444444:role/convex-infra-backup-copy";
        var run = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("prod"), SettingKeys.BackupCopyRoleArn.FullName, role));

        var provider = Assert.Single(run.OfType("pulumi:providers:aws"), p => p.Name!.EndsWith("-backup-copy-account", StringComparison.Ordinal));
        // Provider configuration reaches the engine as JSON text.
        var providerConfig = string.Join("\n", provider.AllStrings());
        Assert.Contains($"\"roleArn\": \"{role}\"", providerConfig, StringComparison.Ordinal);
        Assert.Contains("444444444444", providerConfig, StringComparison.Ordinal);
        var destination = Assert.Single(run.OfType(Replication)).List("rules").Cast<IReadOnlyDictionary<string, object>>().Single().Map("destination");
        Assert.Equal("444444444444", destination.Text("account"));

        // The copy account's bucket policy lets exactly the stack's replication role write replicas.
        var copy = run.IdOf(CopyBucket(run));
        var replicationRole = run.IdOf(Assert.Single(run.OfType("aws:iam/role:Role"), r => r.Name!.EndsWith("-backup-copy-replication", StringComparison.Ordinal)));
        var bucketPolicy = Assert.Single(run.OfType("aws:s3/bucketPolicy:BucketPolicy"), p => p.Text("bucket") == copy).Text("policy")!;
        Assert.Contains(replicationRole, bucketPolicy, StringComparison.Ordinal);
        Assert.Contains("s3:ReplicateObject", bucketPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("s3:ReplicateDelete", bucketPolicy, StringComparison.Ordinal);

        // RDS replicates automated backups within an account: that part keeps the stack's provider and account.
        var keys = run.OfType(KeyType).Where(k => k.Name!.Contains("-backup-copy-", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Contains(MockValues.AccountId, Assert.Single(keys, k => k.Name!.EndsWith("-database-key", StringComparison.Ordinal)).Text("policy"), StringComparison.Ordinal);
        Assert.Contains("444444444444", Assert.Single(keys, k => k.Name!.EndsWith("-exports-key", StringComparison.Ordinal)).Text("policy"), StringComparison.Ordinal);
    }

    /// <summary>S3 refuses a replication configuration towards a bucket without versioning or lock: it waits for both.</summary>
    [Fact]
    public async Task Replication_is_configured_only_after_the_copy_bucket_is_locked()
    {
        var gate = new MockGate(r => r.Type == LockType && r.Name!.EndsWith("-backup-copy-exports", StringComparison.Ordinal));
        var program = StackRun.RunAsync(StackFiles.Load("prod"), gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            var requested = gate.Requested;
            Assert.Contains(requested, r => r.Type == "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration" && r.Name!.EndsWith("-backup-copy-exports", StringComparison.Ordinal));
            Assert.DoesNotContain(requested, r => r.Type == Replication);
        }
        finally
        {
            gate.Release();
        }

        await program;
        gate.AssertRequestedAfterHeldAnswered(r => r.Type == Replication, "the exports' replication configuration");
    }

    /// <summary>
    /// The replication is a command that starts it and stops it with Core's scripts (it does not wait for RDS to report
    /// it replicating); any change of source, region, key or retention restarts it, the old one stopped first; and its
    /// alias takes over the managed resource of stacks created before (same name, same parent, the old type).
    /// </summary>
    [Fact]
    public async Task The_database_replication_is_a_command_that_starts_and_stops_it_and_takes_over_the_old_resource()
    {
        var (run, options) = await RecordedOptions.RunAsync(StackFiles.Load("prod"));
        var command = Assert.Single(run.Registered, IsDbReplication);
        var opts = options[command.Name!];
        var env = command.Map("environment");

        Assert.Equal(DatabaseBackupReplication.StartScript, command.Text("create"));
        Assert.Equal(DatabaseBackupReplication.StopScript, command.Text("delete"));
        Assert.Empty(command.Text("update") ?? "");
        Assert.Equal(["/bin/bash", "-c"], command.List("interpreter").Select(i => i.ToString()));
        // Any change of what the replication is made of restarts it.
        Assert.Equal(
            [env.Text(DatabaseBackupReplication.SourceDbArnVariable), env.Text(DatabaseBackupReplication.CopyRegionVariable),
             env.Text(DatabaseBackupReplication.KmsKeyArnVariable), env.Text(DatabaseBackupReplication.RetentionDaysVariable)],
            command.List("triggers").Select(t => t.ToString()));
        // Stop the old before starting the new: a new start would adopt the old replication, which the old delete would then stop.
        Assert.True(opts.DeleteBeforeReplace);
        var alias = await OutputUtilities.GetValueAsync((Output<Alias>)Assert.Single(opts.Aliases));
        Assert.Equal(OldDbReplication, await OutputUtilities.GetValueAsync((Output<string>)alias.Type!));
        Assert.Null(alias.Name);
        Assert.Null(alias.Parent);
        Assert.Null(alias.ParentUrn);
        Assert.False(alias.NoParent);
        // Parented to the backup copy (the alias's name and parent default to the command's own).
        var parent = Assert.IsType<ConvexInfra.Components.Ops.BackupCopy>(opts.Parent);
        Assert.Equal(command.Name, parent.GetResourceName() + "-database");
        Assert.Empty(await OutputUtilities.GetValueAsync((Output<System.Collections.Immutable.ImmutableArray<Resource>>)opts.DependsOn));
        // Nothing secret reaches its inputs.
        Assert.DoesNotContain(command.AllStrings(), v => v.Contains(MockValues.DatabasePassword, StringComparison.Ordinal));
    }

    /// <summary>The command waits for the database (its ARN) and the copy key, and only for them: it starts as soon as both exist.</summary>
    [Theory]
    [InlineData("aws:rds/instance:Instance", "-database-postgres")]
    [InlineData(KeyType, "-backup-copy-database-key")]
    public async Task The_replication_starts_once_the_database_and_the_copy_key_exist(string heldType, string heldName)
    {
        var gate = new MockGate(r => r.Type == heldType && r.Name!.EndsWith(heldName, StringComparison.Ordinal));
        var program = StackRun.RunAsync(StackFiles.Load("prod"), gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            Assert.DoesNotContain(gate.Requested, IsDbReplication);
        }
        finally
        {
            gate.Release();
        }

        await program;
        gate.AssertRequestedAfterHeldAnswered(IsDbReplication, "the backups replication command");
    }

    private static void AssertCopy(StackRun run, BackupCopyPlan copy, string expectedMode)
    {
        var region = copy.Region;
        Assert.NotEqual(run.Spec.Region, region);
        var copyBucket = CopyBucket(run);
        var copyName = run.IdOf(copyBucket);
        Assert.Equal(region, copyBucket.Text("region"));
        Assert.Equal("True", copyBucket.Text("objectLockEnabled"));

        // Versioned and locked for the tier's retention.
        Assert.Contains(run.OfType("aws:s3/bucketVersioning:BucketVersioning"),
            v => v.Text("bucket") == copyName && v.Map("versioningConfiguration").Text("status") == "Enabled" && v.Text("region") == region);
        var retention = Assert.Single(run.OfType(LockType), l => l.Text("bucket") == copyName).Map("rule").Map("defaultRetention");
        Assert.Equal(expectedMode, retention.Text("mode"));
        Assert.Equal(copy.Lock.Days.ToString(System.Globalization.CultureInfo.InvariantCulture), retention.Text("days"));

        // Its own key, in the copy region, encrypts the copies.
        var exportsKey = Assert.Single(run.OfType(KeyType), k => k.Name!.EndsWith("-backup-copy-exports-key", StringComparison.Ordinal));
        Assert.Equal(region, exportsKey.Text("region"));
        var exportsKeyArn = $"arn:aws:kms:{region}:{MockValues.AccountId}:key/{run.IdOf(exportsKey)}";
        var sse = Assert.Single(run.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), e => e.Text("bucket") == copyName);
        var byDefault = sse.List("rules").Cast<IReadOnlyDictionary<string, object>>().Single().Map("applyServerSideEncryptionByDefault");
        Assert.Equal("aws:kms", byDefault.Text("sseAlgorithm"));
        Assert.Equal(exportsKeyArn, byDefault.Text("kmsMasterKeyId"));

        // The exports bucket replicates into it with that key, without delete markers.
        var replication = Assert.Single(run.OfType(Replication));
        Assert.Equal(ExportsBucket(run), replication.Text("bucket"));
        var rule = replication.List("rules").Cast<IReadOnlyDictionary<string, object>>().Single();
        Assert.Equal("Enabled", rule.Text("status"));
        Assert.Equal("Disabled", rule.Map("deleteMarkerReplication").Text("status"));
        Assert.Equal($"arn:aws:s3:::{copyName}", rule.Map("destination").Text("bucket"));
        Assert.Equal(exportsKeyArn, rule.Map("destination").Map("encryptionConfiguration").Text("replicaKmsKeyId"));
        var role = Assert.Single(run.OfType("aws:iam/role:Role"), r => r.Name!.EndsWith("-backup-copy-replication", StringComparison.Ordinal));
        Assert.Contains("s3.amazonaws.com", role.Text("assumeRolePolicy"), StringComparison.Ordinal);
        Assert.EndsWith(run.IdOf(role), replication.Text("role"), StringComparison.Ordinal);

        // The RDS automated backups go to the same region, with a key of their own there, for the RDS retention: a
        // command starts the replication (Core's scripts) and the old managed type is registered no more.
        var database = Assert.Single(run.Registered, IsDbReplication);
        Assert.Empty(run.OfType(OldDbReplication));
        var env = database.Map("environment");
        Assert.Equal(region, env.Text(DatabaseBackupReplication.CopyRegionVariable));
        Assert.Equal(run.Spec.Region, env.Text(DatabaseBackupReplication.SourceRegionVariable));
        var instance = Assert.Single(run.OfType("aws:rds/instance:Instance"));
        Assert.EndsWith($":db:{instance.Name}", env.Text(DatabaseBackupReplication.SourceDbArnVariable), StringComparison.Ordinal);
        Assert.Equal(run.Spec.Database.BackupRetentionDays.ToString(System.Globalization.CultureInfo.InvariantCulture), env.Text(DatabaseBackupReplication.RetentionDaysVariable));
        var databaseKey = Assert.Single(run.OfType(KeyType), k => k.Name!.EndsWith("-backup-copy-database-key", StringComparison.Ordinal));
        Assert.Equal($"arn:aws:kms:{region}:{MockValues.AccountId}:key/{run.IdOf(databaseKey)}", env.Text(DatabaseBackupReplication.KmsKeyArnVariable));
        Assert.Equal(DatabaseBackupReplication.Variables.Order(StringComparer.Ordinal), env.Keys.Order(StringComparer.Ordinal));
    }

    private static bool IsDbReplication(MockResourceArgs r) =>
        r.Type == Command && r.Name!.EndsWith("-backup-copy-database", StringComparison.Ordinal);

    private static MockResourceArgs CopyBucket(StackRun run) =>
        Assert.Single(run.OfType(BucketType), b => b.Name!.EndsWith("-backup-copy-exports", StringComparison.Ordinal));

    private static string ExportsBucket(StackRun run) =>
        run.IdOf(Assert.Single(run.OfType(BucketType), b => b.Name!.EndsWith("-storage-exports", StringComparison.Ordinal)));

    private static IamRequest Request(string action, string resource) =>
        new(action, resource, new Dictionary<string, string> { ["aws:SecureTransport"] = "true" }, "backup copy test");
}
