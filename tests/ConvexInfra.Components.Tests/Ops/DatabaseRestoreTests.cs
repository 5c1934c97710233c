using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// Issue 24, item 4: a database restore as a stack setting. The update adds the restored instance beside the stack's
/// own (whose inputs stay exactly as they were, so it is neither replaced nor deleted), moves POSTGRES_URL to it only
/// once it exists, and refuses a source of another instance name or stack before anything is created.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class DatabaseRestoreTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string DbInstance = "aws:rds/instance:Instance";
    private const string Parameter = "aws:ssm/parameter:Parameter";

    public static TheoryData<string> Stacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Restoring_to_a_time_adds_an_instance_and_keeps_the_stack_s_own_unchanged(string stack)
    {
        var before = await runs.GetAsync(stack);
        var after = await StackRun.RunAsync(StackFiles.With(StackFiles.Load(stack), SettingKeys.DbRestoreTime.FullName, "2026-12-01T09:30:00Z"));

        var original = Assert.Single(before.OfType(DbInstance));
        var kept = Assert.Single(after.OfType(DbInstance), i => i.Name == original.Name);
        Assert.Equal(Flatten(original), Flatten(kept));

        var restored = Assert.Single(after.OfType(DbInstance), i => i.Name!.EndsWith("-postgres-restored", StringComparison.Ordinal));
        var pointInTime = restored.Map("restoreToPointInTime");
        Assert.Equal(await Output(after, kept, i => i.Identifier), pointInTime.Text("sourceDbInstanceIdentifier"));
        Assert.Equal("2026-12-01T09:30:00Z", pointInTime.Text("restoreTime"));
        Assert.Null(restored.Text("snapshotIdentifier"));

        // Same database: no new name or user (they come from the source), the stack's network, parameters, storage and password.
        Assert.Null(restored.Text("dbName"));
        foreach (var input in new[] { "instanceClass", "dbSubnetGroupName", "parameterGroupName", "storageType", "multiAz", "deletionProtection", "backupRetentionPeriod" })
        {
            Assert.Equal(kept.Text(input), restored.Text(input));
        }

        Assert.Equal("True", restored.Text("storageEncrypted"));
        Assert.Equal(kept.List("vpcSecurityGroupIds"), restored.List("vpcSecurityGroupIds"));
        Assert.Equal(kept.Text("password"), restored.Text("password"));
        Assert.Equal(after.Spec.InstanceName, restored.Map("tags").Text(ResourceNames.InstanceTagKey));

        // The backend moves: POSTGRES_URL names the restored address, no longer the stack instance's.
        var url = PostgresUrl(after);
        Assert.Contains(await Output(after, restored, i => i.Address), url, StringComparison.Ordinal);
        Assert.DoesNotContain(await Output(after, kept, i => i.Address), url, StringComparison.Ordinal);
        Assert.Contains(await Output(before, original, i => i.Address), PostgresUrl(before), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_backend_moves_only_once_the_restored_instance_exists_and_the_old_one_stays_registered()
    {
        var config = StackFiles.With(StackFiles.Load("prod"), SettingKeys.DbRestoreTime.FullName, "latest");
        var gate = new MockGate(r => r.Type == DbInstance && r.Name!.EndsWith("-postgres-restored", StringComparison.Ordinal));
        var program = StackRun.RunAsync(config, gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            var requested = gate.Requested;
            Assert.Contains(requested, r => r.Type == DbInstance && r.Name!.EndsWith("-postgres", StringComparison.Ordinal));
            Assert.DoesNotContain(requested, IsPostgresUrl);
            Assert.False(program.IsCompleted, "the program finished while the restored instance was held");
        }
        finally
        {
            gate.Release();
        }

        var run = await program;
        gate.AssertRequestedAfterHeldAnswered(IsPostgresUrl, "the POSTGRES_URL parameter");
        var restored = Assert.Single(run.OfType(DbInstance), i => i.Name!.EndsWith("-postgres-restored", StringComparison.Ordinal));
        Assert.Equal("True", restored.Map("restoreToPointInTime").Text("useLatestRestorableTime"));
        Assert.Equal(2, run.OfType(DbInstance).Count());
    }

    /// <summary>The options that decide what an update may do to either instance (ResourceTransformations see them).</summary>
    [Fact]
    public async Task Neither_instance_is_deleted_before_replacement_and_the_restored_one_is_kept_on_delete()
    {
        var config = StackFiles.With(StackFiles.Load("prod"), SettingKeys.DbRestoreTime.FullName, "latest");
        var spec = ConvexProgram.ReadSpec(config);
        var options = new System.Collections.Concurrent.ConcurrentDictionary<string, Pulumi.CustomResourceOptions>(StringComparer.Ordinal);
        Pulumi.ResourceTransformationResult? Record(Pulumi.ResourceTransformationArgs args)
        {
            if (args.Resource.GetResourceType() == DbInstance && args.Options is Pulumi.CustomResourceOptions custom)
            {
                options[args.Resource.GetResourceName()] = custom;
            }

            return null;
        }

        await Pulumi.Deployment.TestAsync(
            new AwsMocks(spec.Region!).Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            async () => _ = await ConvexDeployment.CreateAsync("convex", ConvexDeploymentSettings.FromStackConfig(config),
                new Pulumi.ComponentResourceOptions { ResourceTransformations = { Record } }));

        var original = options["convex-database-postgres"];
        var restored = options["convex-database-postgres-restored"];
        Assert.NotEqual(true, original.DeleteBeforeReplace);
        Assert.NotEqual(true, restored.DeleteBeforeReplace);
        Assert.Equal(true, original.Protect);
        Assert.Equal(true, restored.Protect);
        Assert.Equal(true, restored.RetainOnDelete);
        // The way back renames the restored instance to the usual name: its restore inputs must not read as a change there.
        Assert.Contains("restoreToPointInTime", original.IgnoreChanges);
        Assert.Contains("snapshotIdentifier", original.IgnoreChanges);
    }

    [Fact]
    public async Task Restoring_a_snapshot_of_this_stack_uses_it()
    {
        var run = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("staging"), SettingKeys.DbRestoreSnapshot.FullName, "rds:acme-staging-2026-12-01-03-10"));

        var restored = Assert.Single(run.OfType(DbInstance), i => i.Name!.EndsWith("-postgres-restored", StringComparison.Ordinal));
        Assert.Equal("rds:acme-staging-2026-12-01-03-10", restored.Text("snapshotIdentifier"));
        Assert.Empty(restored.Map("restoreToPointInTime"));
    }

    [Theory]
    [InlineData("acme-other", "staging", "convex-infra:instanceName: got")]
    [InlineData(null, "staging", "carries no convex-infra:instance tag")]
    [InlineData("SAME", "prod", "of stack prod; this is stack staging")]
    public async Task A_snapshot_of_another_instance_or_stack_is_refused_before_the_restore(string? instance, string stackTag, string expected)
    {
        var config = StackFiles.With(StackFiles.Load("staging"), SettingKeys.DbRestoreSnapshot.FullName, "rds:foreign-2026-12-01");
        var spec = ConvexProgram.ReadSpec(config);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal) { [ResourceNames.StackTagKey] = stackTag };
        if (instance is not null)
        {
            tags[ResourceNames.InstanceTagKey] = instance == "SAME" ? spec.InstanceName : instance;
        }

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StackRun.RunAsync(config, snapshotTags: tags));

        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(instance == "acme-other" ? SettingKeys.InstanceName.FullName : SettingKeys.DbRestoreSnapshot.FullName, error.ToString(), StringComparison.Ordinal);
    }

    private static bool IsPostgresUrl(MockResourceArgs r) =>
        r.Type == Parameter && r.Text("name")?.EndsWith("/postgres-url", StringComparison.Ordinal) == true;

    private static string PostgresUrl(StackRun run) => Assert.Single(run.OfType(Parameter), IsPostgresUrl).Text("value")!;

    /// <summary>An output of the registered RDS instance (the identifier and address the mocks assigned).</summary>
    private static Task<string> Output(StackRun run, MockResourceArgs instance, Func<Pulumi.Aws.Rds.Instance, Pulumi.Output<string>> pick) =>
        Pulumi.Utilities.OutputUtilities.GetValueAsync(pick(run.Resources.OfType<Pulumi.Aws.Rds.Instance>().Single(i => i.GetResourceName() == instance.Name)));

    private static string Flatten(MockResourceArgs resource) =>
        string.Join("\n", resource.Inputs.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}={System.Text.Json.JsonSerializer.Serialize(i.Value)}"));
}
