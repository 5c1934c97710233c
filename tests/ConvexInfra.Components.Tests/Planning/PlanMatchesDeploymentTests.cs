using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Planning;

/// <summary>
/// <c>convex-infra plan</c> must show what <c>pulumi up</c> deploys. For every repository stack file the real program
/// runs under mocks and the offline plan of the same spec is compared with what it registered: every resource by
/// component and type with its count, every role policy document, every ECS task's container definitions and the
/// alarm topics' policies (only what AWS or the mocks assign, such as account ids, bucket suffixes, cluster and role
/// names and the RDS address, is normalised). A component that gains, loses or changes a resource fails here until
/// the plan says the same.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed partial class PlanMatchesDeploymentTests(StackRuns runs) : IClassFixture<StackRuns>
{
    /// <summary>Registered name after the root → plan group; longest first so <c>ecs-lb</c> wins over <c>ecs</c>.</summary>
    private static readonly (string Fragment, string Group)[] Components =
    [
        ("ecs-lb-", "load-balancer"),
        ("ecs-", "ecs"),
        ("host-", "host"),
        ("network-", "network"),
        ("database-", "database"),
        ("storage-", "storage"),
        ("secrets-", "secrets"),
        ("backups-", "backups"),
        ("backup-copy", "backup-copy"),
        ("monitoring-", "monitoring"),
        ("local-", "local"),
        ("deployment-env", "deployment-env"),
        ("convex-auth-key", "deployment-env"),
    ];

    public static TheoryData<string> AllStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.StackNames())
        {
            data.Add(stack);
        }

        return data;
    }

    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(AllStacks))]
    public async Task Plan_lists_every_registered_resource_by_component_type_and_count(string stack) =>
        AssertSameResources(await runs.GetAsync(stack));

    /// <summary>Settings the repository's stack files leave at their defaults, but that add or remove resources.</summary>
    [Theory]
    [InlineData("ecs", "convex-infra:ecsSubnets", "private")]
    [InlineData("dev", "convex-infra:alarmEmail", "oncall@example.com")]
    [InlineData("staging", "convex-infra:httpAllowedCidrs", "[\"198.51.100.0/24\", \"192.0.2.0/24\"]")]
    [InlineData("prod", "convex-infra:deploymentEnv", "{\"AUTH_GITHUB_ID\": \"Iv1.0123456789abcdef\"}")]
    [InlineData("dev", "convex-infra:backupCopy", "true")]
    [InlineData("prod", "convex-infra:backupCopyRoleArn", "arn:aws:iam::444444444444:role/convex-infra-backup-copy")]
    [InlineData("staging", "convex-infra:dbRestoreTime", "2026-12-01T09:30:00Z")]
    public async Task Plan_follows_settings_that_change_the_resources(string stack, string key, string raw)
    {
        AssertSameResources(await StackRun.RunAsync(StackFiles.With(StackFiles.Load(stack), key, raw)));
    }

    private static void AssertSameResources(StackRun run)
    {
        var plan = StackPlanner.Plan(run.Spec);
        var root = RootName(run);
        var registered = run.Registered
            .Where(r => r.Type is not null && !r.Type.StartsWith("convex-infra:", StringComparison.Ordinal))
            .GroupBy(r => $"{GroupOf(root, r.Name!)} {r.Type}")
            .Select(g => $"{g.Key} ×{g.Count()}");
        var planned = plan.Resources
            .Where(r => r.Count > 0)
            .GroupBy(r => $"{r.Group} {r.Type}")
            .Select(g => $"{g.Key} ×{g.Sum(r => r.Count)}");

        Assert.Equal(registered.Order(StringComparer.Ordinal), planned.Order(StringComparer.Ordinal));
        Assert.Equal(run.Registered.Count(r => !r.Type!.StartsWith("convex-infra:", StringComparison.Ordinal)), plan.ResourceCount);
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Plan_renders_the_policy_of_every_role_the_components_create(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = StackPlanner.Plan(run.Spec);
        var root = RootName(run);
        var normalize = Normalizer(run, plan);

        var registered = run.OfType(ResourceTypes.RolePolicy)
            .ToDictionary(p => $"{StackPlan.RolePolicyFolder}{p.Name![(root.Length + 1)..]}.json", p => normalize(p.Text("policy")!), StringComparer.Ordinal);
        var planned = plan.Artifacts
            .Where(a => a.Path.StartsWith(StackPlan.RolePolicyFolder, StringComparison.Ordinal))
            .ToDictionary(a => a.Path, a => normalize(a.Content), StringComparer.Ordinal);

        Assert.Equal(registered.Keys.Order(StringComparer.Ordinal), planned.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, document) in registered)
        {
            Assert.True(document == planned[path], $"{stack}: {path} differs from the registered policy.{Environment.NewLine}plan:{Environment.NewLine}{planned[path]}{Environment.NewLine}registered:{Environment.NewLine}{document}");
        }
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Plan_renders_the_policy_of_the_stack_key(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = StackPlanner.Plan(run.Spec);
        var normalize = Normalizer(run, plan);
        var key = Assert.Single(run.OfType(ResourceTypes.KmsKey), k => k.Name!.EndsWith("-secrets-key", StringComparison.Ordinal));

        var planned = Assert.Single(plan.Artifacts, a => a.Path == StackPlan.StackKeyPolicyPath).Content;

        Assert.Equal(normalize(planned), normalize(key.Text("policy")!));
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Plan_renders_the_container_definitions_of_every_task_definition(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = StackPlanner.Plan(run.Spec);
        var root = RootName(run);
        var normalize = Normalizer(run, plan);

        var registered = run.OfType(ResourceTypes.TaskDefinition).ToDictionary(
            t => $"{StackPlan.ContainersFolder}{t.Name![(root.Length + 1)..]}{StackPlan.ContainersSuffix}",
            t => normalize(t.Text("containerDefinitions")!),
            StringComparer.Ordinal);
        var planned = plan.Artifacts
            .Where(a => a.Path.EndsWith(StackPlan.ContainersSuffix, StringComparison.Ordinal))
            .ToDictionary(a => a.Path, a => normalize(a.Content), StringComparer.Ordinal);

        Assert.Equal(registered.Keys.Order(StringComparer.Ordinal), planned.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, containers) in registered)
        {
            Assert.True(containers == planned[path], $"{stack}: {path} differs from the registered task definition.{Environment.NewLine}plan:{Environment.NewLine}{planned[path]}{Environment.NewLine}registered:{Environment.NewLine}{containers}");
        }
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Plan_renders_the_policy_of_every_alarm_topic(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = StackPlanner.Plan(run.Spec);
        var normalize = Normalizer(run, plan);

        var registered = run.OfType(ResourceTypes.Topic).ToDictionary(
            t => $"aws/sns/alarm-topic-policy-{t.Text("region") ?? run.Spec.Region}.json", t => normalize(t.Text("policy")!), StringComparer.Ordinal);
        var planned = plan.Artifacts.Where(a => a.Path.StartsWith("aws/sns/", StringComparison.Ordinal))
            .ToDictionary(a => a.Path, a => normalize(a.Content), StringComparer.Ordinal);

        Assert.Equal(registered.Keys.Order(StringComparer.Ordinal), planned.Keys.Order(StringComparer.Ordinal));
        Assert.All(registered, pair => Assert.Equal(planned[pair.Key], pair.Value));
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task Plan_renders_the_release_the_host_applies(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = StackPlanner.Plan(run.Spec);
        var normalize = Normalizer(run, plan);
        var release = Assert.Single(run.OfType(ResourceTypes.Parameter), p => p.Name!.EndsWith("-host-release", StringComparison.Ordinal));

        var planned = normalize(Assert.Single(plan.Artifacts, a => a.Path == Core.Rendering.Ec2Artifacts.ReleasePath).Content);

        Assert.Equal(planned, normalize(release.Text("insecureValue")!));
    }

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    [Fact]
    public void The_normalizer_keeps_what_the_stack_decides()
    {
        // Only assigned values are masked: parameter names, actions and families still have to match.
        var spec = ConvexProgram.ReadSpec(StackFiles.Load(StackFiles.WithTarget("aws-ec2")[0]));
        var plan = StackPlanner.Plan(spec);
        var host = plan.Artifacts.Single(a => a.Path == $"{StackPlan.RolePolicyFolder}host-backend-access.json").Content;

        var masked = Mask(host, new Dictionary<string, string>());

        Assert.Contains($"/{spec.ProjectName}/{spec.StackName}/release", masked, StringComparison.Ordinal);
        Assert.Contains("s3:PutObject", masked, StringComparison.Ordinal);
        Assert.DoesNotContain(PlanPlaceholders.AccountId, masked, StringComparison.Ordinal);
    }

    private static string RootName(StackRun run) =>
        Assert.Single(run.Registered, r => r.Type == "convex-infra:index:ConvexDeployment").Name!;

    private static string GroupOf(string root, string name)
    {
        var rest = name.StartsWith(root + "-", StringComparison.Ordinal) ? name[(root.Length + 1)..] : name;
        foreach (var (fragment, group) in Components)
        {
            if (rest.StartsWith(fragment, StringComparison.Ordinal))
            {
                return group;
            }
        }

        return $"<no plan group for {name}>";
    }

    /// <summary>Masks what AWS assigns: bucket names by purpose (plan placeholder and mock name alike), then generic ids.</summary>
    private static Func<string, string> Normalizer(StackRun run, StackPlan plan)
    {
        var buckets = new Dictionary<string, string>(StringComparer.Ordinal);
        var placeholders = PlanPlaceholders.Aws(run.Spec).Buckets.All;
        var purposes = Core.Runtime.BucketNames.Purposes;
        for (var i = 0; i < purposes.Count; i++)
        {
            buckets[placeholders[i]] = $"<bucket:{purposes[i]}>";
            var resource = Assert.Single(run.OfType(ResourceTypes.Bucket), b => b.Name!.EndsWith($"-storage-{purposes[i]}", StringComparison.Ordinal));
            buckets[run.IdOf(resource)] = $"<bucket:{purposes[i]}>";
        }

        if (run.OfType(ResourceTypes.Bucket).SingleOrDefault(b => b.Name!.EndsWith("-backup-copy-exports", StringComparison.Ordinal)) is { } copy)
        {
            buckets[PlanPlaceholders.ExportsCopyBucket(run.Spec)] = "<bucket:exports-copy>";
            buckets[run.IdOf(copy)] = "<bucket:exports-copy>";
        }

        Assert.NotEmpty(plan.Artifacts);
        return text => Mask(text, buckets);
    }

    private static string Mask(string text, IReadOnlyDictionary<string, string> buckets)
    {
        foreach (var (name, mask) in buckets)
        {
            text = text.Replace(name, mask, StringComparison.Ordinal);
        }

        // The stack key's deployers include whoever runs pulumi: the mocks' caller, the plan's placeholder.
        text = text.Replace(PlanPlaceholders.CallerArn, "<caller>", StringComparison.Ordinal)
            .Replace(MockValues.CallerArn, "<caller>", StringComparison.Ordinal);
        text = text.Replace(PlanPlaceholders.AccountId, "<account>", StringComparison.Ordinal)
            .Replace(MockValues.AccountId, "<account>", StringComparison.Ordinal);
        text = ClusterName().Replace(text, ":cluster/<cluster>");
        text = RoleName().Replace(text, ":role/<role>");
        text = KmsKeyId().Replace(text, ":key/<key>");
        text = RdsAddress().Replace(text, "<rds-address>");
        // SSM counts parameter versions up with every value; a first deploy has 1, the mocks derive them from the value.
        text = SecretVersionsLabel().Replace(text, "instance-secret=<v>,db-credentials=<v>");
        text = ReleaseSecretVersion().Replace(text, "$1\"version\":\"<v>\"");
        return JsonNode.Parse(text)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    [GeneratedRegex(@":cluster/[^""\\/\s]+")]
    private static partial Regex ClusterName();

    [GeneratedRegex(@":role/[^""\\\s]+")]
    private static partial Regex RoleName();

    [GeneratedRegex(@":key/[A-Za-z0-9-]+")]
    private static partial Regex KmsKeyId();

    [GeneratedRegex(@"[A-Za-z0-9.-]+\.rds\.amazonaws\.com")]
    private static partial Regex RdsAddress();

    [GeneratedRegex(@"instance-secret=\d+,db-credentials=\d+")]
    private static partial Regex SecretVersionsLabel();

    /// <summary>The version next to a secret parameter's name in the EC2 release.</summary>
    [GeneratedRegex(@"(""parameter"":""[^""]+"",)""version"":\d+")]
    private static partial Regex ReleaseSecretVersion();
}
