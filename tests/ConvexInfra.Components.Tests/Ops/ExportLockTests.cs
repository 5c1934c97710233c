using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Ops;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// Issue 24, item 2: the exports bucket is versioned and locked by tier, and no role of the stack may erase an export,
/// judged by Core's IAM evaluator on the policies the program rendered (role policies and the bucket policy).
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class ExportLockTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string BucketType = "aws:s3/bucket:Bucket";
    private const string LockType = "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration";

    public static TheoryData<string> Stacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Exports_are_versioned_and_locked_as_the_tier_says(string stack)
    {
        var run = await runs.GetAsync(stack);
        var exports = Exports(run);
        var expected = BackupPlan.For(run.Spec).ExportLock;

        Assert.Contains(run.OfType("aws:s3/bucketVersioning:BucketVersioning"),
            v => v.Text("bucket") == exports && v.Map("versioningConfiguration").Text("status") == "Enabled");
        // The backup copy's bucket has a lock of its own (BackupCopyTests); this is the exports bucket's.
        var locks = run.OfType(LockType).Where(l => l.Text("bucket") == exports).ToList();
        if (expected.Enabled)
        {
            var exportLock = Assert.Single(locks);
            Assert.Equal(exports, exportLock.Text("bucket"));
            Assert.Equal("Enabled", exportLock.Text("objectLockEnabled"));
            var retention = exportLock.Map("rule").Map("defaultRetention");
            Assert.Equal(expected.S3Mode, retention.Text("mode"));
            Assert.Equal(expected.Days.ToString(System.Globalization.CultureInfo.InvariantCulture), retention.Text("days"));
        }
        else
        {
            Assert.Empty(locks);
        }

        // Prod is locked in compliance mode, dev not at all unless asked (the stack files keep the tier defaults).
        if (run.Spec.Tier == Core.Spec.Tier.Prod)
        {
            Assert.Equal("COMPLIANCE", Assert.Single(locks).Map("rule").Map("defaultRetention").Text("mode"));
        }
        else if (run.Spec.Tier == Core.Spec.Tier.Dev)
        {
            Assert.Empty(locks);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task No_role_of_the_stack_may_erase_an_export(string stack)
    {
        var run = await runs.GetAsync(stack);
        var exportObject = $"arn:aws:s3:::{Exports(run)}/{run.Spec.InstanceName}-1b2c/snapshot-export.zip";
        var rolePolicies = run.OfType("aws:iam/rolePolicy:RolePolicy").ToList();
        Assert.True(rolePolicies.Count >= 3, $"expected the backend, export and scheduler roles, got {rolePolicies.Count}");

        foreach (var rolePolicy in rolePolicies)
        {
            var policy = IamPolicy.Parse(rolePolicy.Text("policy")!);
            Assert.All(IamPolicies.ExportEraseActions, action =>
                Assert.True(policy.Evaluate(Request(action, exportObject)) != IamDecision.Allowed, $"{rolePolicy.Name} may {action} an export"));
        }

        // The backend (host role or ECS task role) still writes exports: the backend stores them itself.
        Assert.Contains(rolePolicies, p => IamPolicy.Parse(p.Text("policy")!).Evaluate(Request("s3:PutObject", exportObject)) == IamDecision.Allowed);

        var bucketPolicy = IamPolicy.Parse(Assert.Single(run.OfType("aws:s3/bucketPolicy:BucketPolicy"), p => p.Text("bucket") == Exports(run)).Text("policy")!);
        var locked = BackupPlan.For(run.Spec).ExportLock.Enabled;
        Assert.All(IamPolicies.ExportEraseActions, action =>
            Assert.Equal(locked, bucketPolicy.Evaluate(Request(action, exportObject)) == IamDecision.ExplicitDeny));
        Assert.NotEqual(IamDecision.ExplicitDeny, bucketPolicy.Evaluate(Request("s3:PutObject", exportObject)));
    }

    [Fact]
    public async Task Locking_an_existing_stack_adds_resources_and_never_replaces_the_bucket()
    {
        var before = await runs.GetAsync("dev");
        var after = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("dev"), "convex-infra:exportLockMode", "governance"));

        // BucketArgs.ObjectLockEnabled is ForceNew in the provider: the program never sets it, so the bucket's inputs
        // stay exactly as they were and enabling the lock is an in-place PutObjectLockConfiguration.
        var old = Assert.Single(before.OfType(BucketType), b => b.Name!.EndsWith("-exports", StringComparison.Ordinal));
        var now = Assert.Single(after.OfType(BucketType), b => b.Name!.EndsWith("-exports", StringComparison.Ordinal));
        Assert.Equal(Flatten(old), Flatten(now));
        Assert.DoesNotContain("objectLockEnabled", old.Inputs.Keys);
        Assert.Equal("GOVERNANCE", Assert.Single(after.OfType(LockType)).Map("rule").Map("defaultRetention").Text("mode"));
    }

    /// <summary>
    /// Item 2: beyond erasing an export, no role of the stack may weaken the bucket that keeps them: delete it or its
    /// policy, change the lock's default retention, suspend versioning, shorten the lifecycle or replicate elsewhere.
    /// Judged on the rendered role policies and on the managed policies attached to the roles.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task No_role_of_the_stack_may_weaken_the_exports_bucket(string stack)
    {
        var run = await runs.GetAsync(stack);
        var bucket = $"arn:aws:s3:::{Exports(run)}";
        var policies = run.OfType("aws:iam/rolePolicy:RolePolicy").Select(p => (p.Name!, IamPolicy.Parse(p.Text("policy")!)))
            .Concat(run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
                .Select(a => AwsManagedPolicies.ByArn(a.Text("policyArn")!))
                .Select(m => (m.PolicyName, IamPolicy.Parse(m.DocumentJson))))
            .ToList();
        Assert.NotEmpty(policies);

        foreach (var (name, policy) in policies)
        {
            Assert.All(IamPolicies.ExportWeakenBucketActions, action =>
                Assert.True(policy.Evaluate(Request(action, bucket)) != IamDecision.Allowed, $"{name} may {action} on the exports bucket"));
            Assert.All(IamPolicies.ExportEraseActions, action =>
                Assert.True(policy.Evaluate(Request(action, $"{bucket}/any/export.zip")) != IamDecision.Allowed, $"{name} may {action} an export"));
        }
    }

    private static string Exports(StackRun run) =>
        run.IdOf(Assert.Single(run.OfType(BucketType), b => b.Text("bucketPrefix")!.EndsWith("-exports-", StringComparison.Ordinal)));

    private static string Flatten(MockResourceArgs resource) =>
        string.Join("\n", resource.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={System.Text.Json.JsonSerializer.Serialize(i.Value)}"));

    private static IamRequest Request(string action, string resource) =>
        new(action, resource, new Dictionary<string, string> { ["aws:SecureTransport"] = "true" }, "export lock test");
}
