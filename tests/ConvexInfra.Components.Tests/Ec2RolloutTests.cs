using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>
/// The EC2 rollout as wired: pulumi up waits for the host's report on the release it wrote, the host may write only its
/// own status parameter, and a change to the host tooling reaches the host through the release, never the user data.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class Ec2RolloutTests
{
    private const string Command = "command:local:Command";

    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    private static bool IsParameter(MockResourceArgs r, string suffix) =>
        r.Type == "aws:ssm/parameter:Parameter" && r.Name!.EndsWith(suffix, StringComparison.Ordinal);

    private static bool IsWait(MockResourceArgs r) => r.Type == Command && r.Name!.EndsWith("-release-report", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_wait_step_waits_for_the_release_parameter_and_polls_for_its_hash(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var mocks = new AwsMocks(spec.Region!) { Hold = r => IsParameter(r, "-release") };

        var run = Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(config));
        await WaitUntilQuiet(mocks);

        Assert.Contains(mocks.Resources, r => r.Type == "aws:ec2/instance:Instance");
        Assert.DoesNotContain(mocks.Resources, IsWait);
        mocks.Gate.SetResult();
        await run;

        var release = Assert.Single(mocks.Resources, r => IsParameter(r, "-release"));
        var wait = Assert.Single(mocks.Resources, IsWait);
        var environment = wait.Map("environment");
        Assert.Equal(HostRelease.Sha256Hex(release.Text("insecureValue")!), environment["RELEASE_SHA256"]);
        Assert.Equal(ResourceNames.HostStatusParameter(spec), environment["STATUS_PARAMETER"]);
        Assert.Equal((spec.Rollout.HostReportTimeoutMinutes * 60).ToString(System.Globalization.CultureInfo.InvariantCulture), environment["DEADLINE_SECONDS"]);
        Assert.Equal([environment["RELEASE_SHA256"]], wait.List("triggers"));
        Assert.Contains("aws ssm get-parameter", wait.Text("create"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_instance_role_writes_only_its_own_status_parameter(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));
        using var policy = JsonDocument.Parse(run.HostRolePolicy().Text("policy")!);

        var writes = policy.RootElement.GetProperty("Statement").EnumerateArray()
            .Where(s => Actions(s).Any(a => a.StartsWith("ssm:", StringComparison.Ordinal) && !a.StartsWith("ssm:Get", StringComparison.Ordinal)))
            .ToList();

        var write = Assert.Single(writes);
        Assert.Equal(["ssm:PutParameter"], Actions(write));
        var resource = Assert.Single(write.GetProperty("Resource").EnumerateArray()).GetString()!;
        Assert.EndsWith($":parameter{ResourceNames.HostStatusParameter(run.Spec)}", resource, StringComparison.Ordinal);
        var status = Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name") == ResourceNames.HostStatusParameter(run.Spec));
        Assert.Equal("String", status.Text("type"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_change_to_the_host_tooling_changes_the_release_but_not_the_user_data(string stack)
    {
        var config = StackFiles.Load(stack);
        var before = await StackRun.RunAsync(config);
        // The patch window lives in a tooling file (dnf-automatic's timer), like the scripts.
        var after = await StackRun.RunAsync(StackFiles.With(config, "convex-infra:patchWindow", "Wed 01:15"));

        Assert.Equal(before.Single("aws:ec2/instance:Instance").Text("userData"), after.Single("aws:ec2/instance:Instance").Text("userData"));
        string? Value(StackRun run, string suffix) => Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => IsParameter(p, suffix)).Text("insecureValue");
        Assert.NotEqual(HostTooling.Render(before.Spec).InstalledId, HostTooling.Render(after.Spec).InstalledId);
        Assert.NotEqual(Value(before, "-release"), Value(after, "-release"));
        // Every part is its own parameter (part 1 keeps its resource name) and the release names each by sha256.
        var tooling = HostTooling.Render(after.Spec);
        Assert.Equal(tooling.Parts.Count, after.OfType("aws:ssm/parameter:Parameter").Count(p => p.Text("name")!.StartsWith(ResourceNames.HostToolingParameter(after.Spec), StringComparison.Ordinal)));
        foreach (var part in tooling.Parts)
        {
            Assert.Equal(part.ParameterValue, Value(after, part.Number == 1 ? "-host-tooling" : $"-host-tooling-{part.Number}"));
            Assert.Equal(part.Parameter, Assert.Single(after.OfType("aws:ssm/parameter:Parameter"), p => p.Text("insecureValue") == part.ParameterValue).Text("name"));
            Assert.Contains(part.Sha256, Value(after, "-release"), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_release_waits_for_every_host_tooling_part(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        Assert.True(HostTooling.Render(spec).Parts.Count >= 2, "the tooling no longer needs parts; this test would prove nothing");
        var mocks = new AwsMocks(spec.Region!) { Hold = r => IsParameter(r, "-host-tooling-2") };

        var run = Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(config));
        await WaitUntilQuiet(mocks);

        Assert.Contains(mocks.Resources, r => IsParameter(r, "-host-tooling"));
        Assert.DoesNotContain(mocks.Resources, r => IsParameter(r, "-release"));
        mocks.Gate.SetResult();
        await run;
        Assert.Contains(mocks.Resources, r => IsParameter(r, "-release"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Containers_log_to_the_hosts_log_group_with_the_stacks_retention(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));

        var group = Assert.Single(run.OfType("aws:cloudwatch/logGroup:LogGroup"), g => g.Text("name") == ResourceNames.HostLogGroup(run.Spec));
        Assert.Equal(run.Spec.Monitoring.LogRetentionDays, Convert.ToInt32(group.Inputs["retentionInDays"], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Single(run.OfType("aws:cloudwatch/metricAlarm:MetricAlarm"), a => a.Text("metricName") == HostStatus.MetricName);
    }

    private static List<string> Actions(JsonElement statement) =>
        statement.GetProperty("Action").ValueKind == JsonValueKind.String
            ? [statement.GetProperty("Action").GetString()!]
            : statement.GetProperty("Action").EnumerateArray().Select(a => a.GetString()!).ToList();

    /// <summary>Waits until no new registration arrived for a while: everything not waiting for the gate is registered.</summary>
    private static async Task WaitUntilQuiet(AwsMocks mocks)
    {
        var count = -1;
        while (count != mocks.Resources.Count)
        {
            count = mocks.Resources.Count;
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }
}
