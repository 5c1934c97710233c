using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>Issue 24, items 1 and 4 in Core: the backup copy's settings and defaults, its policies, and the database restore's rules.</summary>
public sealed class RecoverySettingsTests
{
    [Theory]
    [InlineData("dev", false)]
    [InlineData("staging", false)]
    [InlineData("prod", true)]
    public void Only_prod_has_a_backup_copy_by_default(string stack, bool expected)
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws(stack));
        var copy = BackupCopyPlan.For(spec);

        Assert.Equal(expected, copy is not null);
        if (copy is not null)
        {
            Assert.Equal(BackupCopyPlan.DefaultRegionFor(spec.Region!), copy.Region);
            Assert.Equal(new ExportLock(ExportLockMode.Compliance, 35), copy.Lock);
            Assert.Equal(spec.Database.BackupRetentionDays, copy.RdsRetentionDays);
            Assert.Null(copy.AccountId);
        }
    }

    [Fact]
    public void Settings_choose_region_account_mode_and_days()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev",
            ("backupCopy", "true"), ("backupCopyRegion", "us-west-2"), ("backupCopyRoleArn", "arn:aws:iam::444444444444:role/copy"),
            ("backupCopyLockMode", "compliance"), ("backupCopyLockDays", "60")));
        var copy = BackupCopyPlan.For(spec)!;

        Assert.Equal("us-west-2", copy.Region);
        Assert.Equal("444444444444", copy.AccountId);
        Assert.Equal(new ExportLock(ExportLockMode.Compliance, 60), copy.Lock);
        Assert.Equal(new ExportLock(ExportLockMode.Governance, 7), BackupCopyPlan.For(TestConfigs.ReadValid(TestConfigs.Aws("dev", ("backupCopy", "true"))))!.Lock);
        Assert.Null(BackupCopyPlan.For(TestConfigs.ReadValid(TestConfigs.Aws("prod", ("backupCopy", "false")))));
    }

    [Theory]
    [InlineData("prod", "backupCopyRegion", "eu-west-1", "a region other than the stack's own")]
    [InlineData("prod", "backupCopyRegion", "Europe", "an AWS region code")]
    [InlineData("prod", "backupCopyLockMode", "none", "one of governance, compliance")]
    [InlineData("prod", "backupCopyLockDays", "0", "from 1 to 3650")]
    [InlineData("prod", "backupCopyRoleArn", "arn:aws:iam::444444444444:user/copy", "an IAM role ARN")]
    [InlineData("dev", "backupCopyRegion", "us-west-2", "nothing while convex-infra:backupCopy is false")]
    [InlineData("prod", "dbRestoreTime", "2026-12-01 09:30", "RFC 3339")]
    [InlineData("prod", "dbRestoreTime", "2026-12-01T09:30:00+01:00", "RFC 3339")]
    [InlineData("prod", "dbRestoreSnapshot", "snapshot with spaces", "an RDS snapshot identifier")]
    public void Bad_values_are_named_by_their_key(string stack, string key, string value, string expected)
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws(stack, (key, value))));

        Assert.Equal($"convex-infra:{key}", error.Key);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_prod_stack_in_a_region_without_a_pair_must_name_the_copy_region()
    {
        var error = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("prod", ("aws:region", "me-central-1"))));

        Assert.Equal("convex-infra:backupCopyRegion", error.Key);
        Assert.Contains("has no default pair", error.Expected, StringComparison.Ordinal);
        Assert.Contains("backupCopy false", error.Expected, StringComparison.Ordinal);
        Assert.NotNull(BackupCopyPlan.For(TestConfigs.ReadValid(TestConfigs.Aws("prod", ("aws:region", "me-central-1"), ("backupCopyRegion", "eu-central-1")))));
    }

    [Fact]
    public void Restore_settings_are_one_at_a_time_and_aws_only()
    {
        var both = Assert.Single(TestConfigs.ReadErrors(TestConfigs.Aws("prod", ("dbRestoreTime", "latest"), ("dbRestoreSnapshot", "my-snapshot"))));
        Assert.Equal("convex-infra:dbRestoreSnapshot", both.Key);
        Assert.Contains("not both", both.Expected, StringComparison.Ordinal);

        var local = TestConfigs.ReadErrors(TestConfigs.Local(("dbRestoreTime", "latest"), ("backupCopy", "true")));
        Assert.Equal(["convex-infra:backupCopy", "convex-infra:dbRestoreTime"], local.Select(e => e.Key).Order(StringComparer.Ordinal));

        var spec = TestConfigs.ReadValid(TestConfigs.Aws("prod", ("dbRestoreTime", "2026-12-01T09:30:00Z")));
        Assert.Equal(RestoreKind.PointInTime, spec.Recovery.Restore!.Kind);
        Assert.Equal("2026-12-01T09:30:00Z", spec.Recovery.Restore.RestoreTimeText);
        Assert.Equal(RestoreKind.LatestRestorableTime, TestConfigs.ReadValid(TestConfigs.Aws("prod", ("dbRestoreTime", "latest"))).Recovery.Restore!.Kind);
    }

    [Fact]
    public void A_restore_keeps_the_instance_name_and_the_stack_and_says_how_to_fix_a_wrong_source()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("prod", ("dbRestoreSnapshot", "rds:x-2026-12-01")));
        var restore = spec.Recovery.Restore!;
        Dictionary<string, string> Tags(string instance, string stack) => new() { [ResourceNames.InstanceTagKey] = instance, [ResourceNames.StackTagKey] = stack };

        Assert.Null(restore.Refusal(spec, new RestoreSource("snapshot x", Tags(spec.InstanceName, spec.StackName), "postgres", true)));

        var otherName = restore.Refusal(spec, new RestoreSource("snapshot x", Tags("other-app", spec.StackName), "postgres", true))!;
        Assert.StartsWith("convex-infra:instanceName:", otherName, StringComparison.Ordinal);
        Assert.Contains("pulumi config set convex-infra:instanceName other-app", otherName, StringComparison.Ordinal);

        var otherStack = restore.Refusal(spec, new RestoreSource("snapshot x", Tags(spec.InstanceName, "staging"), "postgres", true))!;
        Assert.StartsWith("convex-infra:dbRestoreSnapshot:", otherStack, StringComparison.Ordinal);
        Assert.Contains("buckets", otherStack, StringComparison.Ordinal);

        var untagged = restore.Refusal(spec, new RestoreSource("snapshot x", new Dictionary<string, string>(), "postgres", true))!;
        Assert.Contains("aws rds add-tags-to-resource", untagged, StringComparison.Ordinal);

        Assert.Contains("not encrypted", restore.Refusal(spec, new RestoreSource("snapshot x", Tags(spec.InstanceName, spec.StackName), "postgres", false)), StringComparison.Ordinal);
        Assert.Contains("engine mysql", restore.Refusal(spec, new RestoreSource("snapshot x", Tags(spec.InstanceName, spec.StackName), "mysql", true)), StringComparison.Ordinal);
    }

    [Fact]
    public void The_replication_role_cannot_delete_or_weaken_and_reads_only_the_exports()
    {
        const string stackKey = "arn:aws:kms:eu-west-1:123456789012:key/stack";
        var policy = IamPolicy.Parse(BackupCopyPolicies.ReplicationRole("aws", "src", "copy", "arn:aws:kms:eu-central-1:123456789012:key/k", "eu-central-1", stackKey, "eu-west-1"));
        IamDecision Eval(string action, string resource) =>
            policy.Evaluate(new IamRequest(action, resource, new Dictionary<string, string>(), "test"));

        Assert.Equal(IamDecision.Allowed, Eval("s3:ReplicateObject", "arn:aws:s3:::copy/k"));
        Assert.Equal(IamDecision.Allowed, Eval("s3:GetObjectVersionForReplication", "arn:aws:s3:::src/k"));
        Assert.NotEqual(IamDecision.Allowed, Eval("s3:ReplicateDelete", "arn:aws:s3:::copy/k"));
        Assert.NotEqual(IamDecision.Allowed, Eval("s3:GetObjectVersionForReplication", "arn:aws:s3:::other/k"));
        Assert.All(IamPolicies.ExportEraseActions, a => Assert.NotEqual(IamDecision.Allowed, Eval(a, "arn:aws:s3:::copy/k")));
        // The key only through S3 in the copy region.
        Assert.NotEqual(IamDecision.Allowed, Eval("kms:Encrypt", "arn:aws:kms:eu-central-1:123456789012:key/k"));
        Assert.Equal(IamDecision.Allowed, policy.Evaluate(new IamRequest("kms:Encrypt", "arn:aws:kms:eu-central-1:123456789012:key/k",
            new Dictionary<string, string> { ["kms:ViaService"] = "s3.eu-central-1.amazonaws.com" }, "test")));
        // The stack key: decrypt only, only through S3 in the source region, only for the stored deployment variables.
        IamDecision Stack(string action, string via, string objectArn) => policy.Evaluate(new IamRequest(action, stackKey,
            new Dictionary<string, string> { ["kms:ViaService"] = via, ["kms:EncryptionContext:aws:s3:arn"] = objectArn }, "test"));
        Assert.Equal(IamDecision.Allowed, Stack("kms:Decrypt", "s3.eu-west-1.amazonaws.com", "arn:aws:s3:::src/deployment-env/deployment-env-20261206T031800Z.json"));
        Assert.NotEqual(IamDecision.Allowed, Stack("kms:Decrypt", "s3.eu-west-1.amazonaws.com", "arn:aws:s3:::src/convex-prod-0f1e/export.zip"));
        Assert.NotEqual(IamDecision.Allowed, Stack("kms:Decrypt", "ssm.eu-west-1.amazonaws.com", "arn:aws:s3:::src/deployment-env/x.json"));
        Assert.NotEqual(IamDecision.Allowed, Stack("kms:Decrypt", "s3.eu-central-1.amazonaws.com", "arn:aws:s3:::src/deployment-env/x.json"));
        Assert.NotEqual(IamDecision.Allowed, Stack("kms:Encrypt", "s3.eu-west-1.amazonaws.com", "arn:aws:s3:::src/deployment-env/x.json"));
    }

    [Fact]
    public void Every_default_copy_region_is_another_region()
    {
        Assert.All(BackupCopyPlan.DefaultRegions, pair => Assert.NotEqual(pair.Key, pair.Value));
        Assert.All(BackupCopyPlan.DefaultRegions, pair => Assert.Null(ValueRules.AwsRegion(pair.Value)));
    }
}
