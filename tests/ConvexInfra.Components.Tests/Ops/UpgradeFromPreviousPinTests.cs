using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// The update path every existing stack takes: the program runs at the revision the stacks pinned before
/// (4d3b0a5, 2025-09-12), then again at the stack file's current pin, with the revision history the first run wrote.
/// The image at 4d3b0a5 chose S3 only with static keys, so such a stack's files are on local disk and the new backend
/// would refuse to start: the second run is refused before anything is registered, and once the user confirms the
/// migration (storageMigrationConfirmed) it must record the old revision, export before it releases, and release the
/// new images.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class UpgradeFromPreviousPinTests
{
    /// <summary>The revision every stack file pinned before the move to precompiled-2026-08-22-652b828.</summary>
    public const string PreviousPin = "4d3b0a5de955a258e70e3813bbff486051d88820";

    private const string Parameter = "aws:ssm/parameter:Parameter";
    private const string Command = "command:local:Command";

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    public static TheoryData<string> EcsStacks() => StackFiles.EcsStacks();

    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

    [Fact]
    public void Every_stack_file_has_moved_past_the_previous_pin()
    {
        var stacks = StackFiles.StackNames();
        Assert.NotEmpty(stacks);
        Assert.All(stacks, stack => Assert.NotEqual(PreviousPin, ConvexProgram.ReadSpec(StackFiles.Load(stack)).ImageRevision));
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Upgrade_without_the_storage_migration_is_refused_before_anything_is_registered(string stack)
    {
        var current = StackFiles.Load(stack);
        var old = await StackRun.RunAsync(StackFiles.With(current, SettingKeys.ImageRevision.FullName, PreviousPin));
        var spec = ConvexProgram.ReadSpec(current);
        var mocks = new AwsMocks(spec.Region!, HistoryWritten(old));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = current.ProjectName, StackName = current.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(current)));

        Assert.Contains($"{SettingKeys.ImageRevision.FullName}: got {spec.ImageRevision}, but this stack ran {PreviousPin}", error.Message, StringComparison.Ordinal);
        Assert.Contains("local disk", error.Message, StringComparison.Ordinal);
        Assert.Contains("--include-file-storage", error.Message, StringComparison.Ordinal);
        Assert.Contains(SettingKeys.StorageMigrationConfirmed.FullName, error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Resources);
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task Ec2_upgrade_records_the_old_revision_exports_first_and_releases_the_new_images(string stack)
    {
        var current = Confirmed(StackFiles.Load(stack));
        var old = await StackRun.RunAsync(StackFiles.With(current, SettingKeys.ImageRevision.FullName, PreviousPin));
        var oldHistory = HistoryWritten(old);
        Assert.Equal(RevisionHistory.Serialize([PreviousPin]), oldHistory);
        Assert.Empty(PreUpgradeExports(old.Registered));

        // The export holds: the release must not even be requested until it has answered.
        var gate = new MockGate(r => IsPreUpgradeExport(r));
        var program = StackRun.RunAsync(current, oldHistory, gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            Assert.True(await gate.RequestedWhileHeldAsync(r => r.Type == "aws:rds/instance:Instance"), "the database was not requested while the export was held: the gate blocks too much to prove anything");
            Assert.DoesNotContain(gate.Requested, IsReleaseParameter);
        }
        finally
        {
            gate.Release();
        }

        var upgraded = await program;
        gate.AssertRequestedAfterHeldAnswered(IsReleaseParameter, "the release parameter");

        var newRevision = upgraded.Spec.ImageRevision;
        var export = Assert.Single(PreUpgradeExports(upgraded.Registered));
        Assert.Equal([newRevision], export.List("triggers").Cast<string>());
        Assert.Equal(RevisionHistory.Serialize([PreviousPin, newRevision]), HistoryWritten(upgraded));

        var release = upgraded.ReleaseParameter().Text("insecureValue")!;
        Assert.Contains($"ghcr.io/get-convex/convex-backend:{newRevision}", release, StringComparison.Ordinal);
        Assert.Contains($"ghcr.io/get-convex/convex-dashboard:{newRevision}", release, StringComparison.Ordinal);
        Assert.DoesNotContain(PreviousPin, release, StringComparison.Ordinal);
        Assert.Contains(PreviousPin, old.ReleaseParameter().Text("insecureValue")!, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EcsStacks))]
    public async Task Ecs_upgrade_records_the_old_revision_exports_first_and_runs_the_new_images(string stack)
    {
        var current = Confirmed(StackFiles.Load(stack));
        var old = await StackRun.RunAsync(StackFiles.With(current, SettingKeys.ImageRevision.FullName, PreviousPin));
        var upgraded = await StackRun.RunAsync(current, HistoryWritten(old));

        var newRevision = upgraded.Spec.ImageRevision;
        Assert.Single(PreUpgradeExports(upgraded.Registered));
        Assert.Equal(RevisionHistory.Serialize([PreviousPin, newRevision]), HistoryWritten(upgraded));

        var service = upgraded.ServiceTaskDefinition().Text("containerDefinitions")!;
        Assert.Contains($"ghcr.io/get-convex/convex-backend:{newRevision}", service, StringComparison.Ordinal);
        Assert.DoesNotContain(PreviousPin, service, StringComparison.Ordinal);

        // The service's new task definition is registered only after the export answered.
        var order = upgraded.Registered.ToList();
        var exportAt = order.FindIndex(IsPreUpgradeExport);
        var taskDefinitionAt = order.FindIndex(r => r.Text("containerDefinitions") == service);
        Assert.True(exportAt >= 0 && exportAt < taskDefinitionAt, $"the pre-upgrade export (#{exportAt}) was not registered before the new task definition (#{taskDefinitionAt})");
    }

    /// <summary>The stack after the user followed docs/aws.md's migration and said so.</summary>
    private static StackConfig Confirmed(StackConfig config) => StackFiles.With(config, SettingKeys.StorageMigrationConfirmed.FullName, "true");

    private static bool IsPreUpgradeExport(MockResourceArgs r) =>
        r.Type == Command && r.Name!.EndsWith("-pre-upgrade-export", StringComparison.Ordinal);

    private static bool IsReleaseParameter(MockResourceArgs r) =>
        r.Type == Parameter && r.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true;

    private static IEnumerable<MockResourceArgs> PreUpgradeExports(IEnumerable<MockResourceArgs> registered) => registered.Where(IsPreUpgradeExport);

    private static string HistoryWritten(StackRun run) =>
        Assert.Single(run.OfType(Parameter), p => p.Text("name")!.EndsWith("/revision-history", StringComparison.Ordinal)).Text("insecureValue")!;
}
