using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>Item 2 of issue 24: exports the deployment itself cannot delete (settings, tier defaults, policies).</summary>
public sealed class ExportLockTests
{
    private static readonly AwsAccountContext Ctx = new("aws", "eu-west-1", "123456789012");

    [Theory]
    [InlineData("dev", ExportLockMode.None, 7)]
    [InlineData("staging", ExportLockMode.Governance, 14)]
    [InlineData("prod", ExportLockMode.Compliance, 35)]
    public void Tiers_lock_exports_for_their_retention(string stack, ExportLockMode mode, int days)
    {
        var plan = BackupPlan.For(TestConfigs.ReadValid(TestConfigs.Aws(stack)));

        Assert.Equal(new ExportLock(mode, days), plan.ExportLock);
        Assert.Equal(plan.ExportRetentionDays, plan.ExportLock.Days);
    }

    [Fact]
    public void Settings_choose_the_mode_and_the_days()
    {
        var plan = BackupPlan.For(TestConfigs.ReadValid(TestConfigs.Aws("dev", ("exportLockMode", "governance"), ("exportLockDays", "3"))));
        Assert.Equal(new ExportLock(ExportLockMode.Governance, 3), plan.ExportLock);
        Assert.Equal("GOVERNANCE", plan.ExportLock.S3Mode);

        var prod = BackupPlan.For(TestConfigs.ReadValid(TestConfigs.Aws("prod", ("exportLockMode", "none"))));
        Assert.False(prod.ExportLock.Enabled);
    }

    [Theory]
    [InlineData("exportLockMode", "Compliance", null, null, "use lowercase")]
    [InlineData("exportLockMode", "legal-hold", null, null, "one of none, governance, compliance")]
    [InlineData("exportLockDays", "0", null, null, "from 1 to 3650")]
    [InlineData("exportLockDays", "3", "exportLockMode", "none", "no exportLockDays with exportLockMode none")]
    public void Bad_values_are_named_by_their_key(string key, string value, string? otherKey, string? otherValue, string expected)
    {
        var config = TestConfigs.Aws("prod", (key, value));
        if (otherKey is not null)
        {
            config = config.With((otherKey, otherValue));
        }

        var error = Assert.Single(TestConfigs.ReadErrors(config));

        Assert.Equal($"convex-infra:{key}", error.Key);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public void The_backend_may_write_exports_but_never_erase_them(string stack)
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws(stack));
        var buckets = Aws.AwsTestSpecs.Buckets(spec);
        var exportObject = AwsArns.BucketObjects("aws", buckets.Exports).Replace("*", "acme-1b2c/export-20261206.zip", StringComparison.Ordinal);
        var fileObject = AwsArns.BucketObjects("aws", buckets.Files).Replace("*", "acme-1b2c/kg2abc", StringComparison.Ordinal);
        var logGroup = $"arn:aws:logs:eu-west-1:123456789012:log-group:{ExportTask.LogGroupName(spec)}";
        const string StackKey = "arn:aws:kms:eu-west-1:123456789012:key/0a1b2c3d-1234-4abc-8def-000000000001";
        var roles = new Dictionary<string, string>
        {
            ["host"] = StackPolicies.HostBackendAccess(spec, Ctx, buckets, logGroup, StackKey),
            ["ecs task"] = StackPolicies.EcsTask(spec, Ctx, buckets),
            ["export execution"] = StackPolicies.ExportExecution(spec, Ctx, logGroup, StackKey),
        };

        foreach (var (role, document) in roles)
        {
            var policy = IamPolicy.Parse(document);
            foreach (var action in IamPolicies.ExportEraseActions)
            {
                Assert.True(policy.Evaluate(Request(action, exportObject)) != IamDecision.Allowed, $"{role} may {action} an export");
            }
        }

        // Writing exports and deleting working files still work: only the backups are write-once.
        var host = IamPolicy.Parse(roles["host"]);
        Assert.Equal(IamDecision.Allowed, host.Evaluate(Request("s3:PutObject", exportObject)));
        Assert.Equal(IamDecision.Allowed, host.Evaluate(Request("s3:GetObject", exportObject)));
        Assert.Equal(IamDecision.Allowed, host.Evaluate(Request("s3:DeleteObject", fileObject)));
    }

    [Fact]
    public void A_locked_exports_bucket_denies_erasing_to_everyone_and_still_takes_writes()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("prod"));
        var buckets = Aws.AwsTestSpecs.Buckets(spec);
        var exportObject = AwsArns.BucketObjects("aws", buckets.Exports).Replace("*", "acme-1b2c/export.zip", StringComparison.Ordinal);
        var policy = IamPolicy.Parse(StackPolicies.BucketPolicy(spec, "aws", "exports", buckets.Exports));

        Assert.All(IamPolicies.ExportEraseActions, action =>
            Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(Request(action, exportObject))));
        Assert.NotEqual(IamDecision.ExplicitDeny, policy.Evaluate(Request("s3:PutObject", exportObject)));
        Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(Request("s3:PutObject", exportObject, secure: false)));

        // Other buckets and unlocked (dev) exports keep the TLS-only policy: a dev stack can still be destroyed.
        var files = IamPolicy.Parse(StackPolicies.BucketPolicy(spec, "aws", "files", buckets.Files));
        Assert.NotEqual(IamDecision.ExplicitDeny, files.Evaluate(Request("s3:DeleteObjectVersion", AwsArns.BucketObjects("aws", buckets.Files))));
        var dev = TestConfigs.ReadValid(TestConfigs.Aws("dev"));
        var devExports = IamPolicy.Parse(StackPolicies.BucketPolicy(dev, "aws", "exports", Aws.AwsTestSpecs.Buckets(dev).Exports));
        Assert.NotEqual(IamDecision.ExplicitDeny, devExports.Evaluate(Request("s3:DeleteObjectVersion", AwsArns.BucketObjects("aws", Aws.AwsTestSpecs.Buckets(dev).Exports))));
    }

    private static IamRequest Request(string action, string resource, bool secure = true) =>
        new(action, resource, new Dictionary<string, string> { ["aws:SecureTransport"] = secure ? "true" : "false" }, "test");
}

/// <summary>Issue 24, item 7: the RPO docs/dr.md states comes from the stack's configuration.</summary>
public sealed class RecoveryObjectivesTests
{
    [Theory]
    [InlineData("dev", null, null, "7 days", "≈ 5 min (point-in-time restore)")]
    [InlineData("prod", null, null, "24 h", "≈ 5 min (point-in-time restore)")]
    [InlineData("prod", "rate(6 hours)", null, "6 h", "≈ 5 min (point-in-time restore)")]
    [InlineData("dev", null, "0", "7 days", "none (backupRetentionDays 0)")]
    public void Rpo_follows_the_export_schedule_and_the_rds_retention(string stack, string? schedule, string? retention, string exportRpo, string databaseRpo)
    {
        var config = TestConfigs.Aws(stack);
        if (schedule is not null)
        {
            config = config.With(("exportSchedule", schedule));
        }

        if (retention is not null)
        {
            config = config.With(("backupRetentionDays", retention));
        }

        var objectives = RecoveryObjectives.For(TestConfigs.ReadValid(config));

        Assert.Equal(exportRpo, objectives.ExportRpo);
        Assert.Equal(databaseRpo, objectives.DatabaseRpo);
    }
}
