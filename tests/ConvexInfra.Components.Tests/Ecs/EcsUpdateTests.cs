using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ecs;

namespace ConvexInfra.Components.Tests.Ecs;

/// <summary>
/// ECS reads the injected secrets only when a task starts, and starts a task only for a new task definition: a new
/// instance secret or <c>POSTGRES_URL</c> must therefore change the task definition, or the old values keep running.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class EcsUpdateTests
{
    private const string OtherPassword = "AnotherMockDbPasswordSecretValue0123456";

    public static TheoryData<string> Stacks() => StackFiles.EcsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Rotating_the_instance_secret_gives_a_new_task_definition(string stack)
    {
        var config = StackFiles.Load(stack);
        var before = await StackRun.RunAsync(config);
        var again = await StackRun.RunAsync(config);
        var rotated = await StackRun.RunAsync(StackFiles.With(config, "convex-infra:instanceSecretVersion", "7"));

        Assert.Equal(Definitions(before), Definitions(again));
        Assert.NotEqual(Definitions(before), Definitions(rotated));
        Assert.NotEqual(BackendLabels(before), BackendLabels(rotated));
        // The dashboard's task knows no secret: a rotation leaves it (and its service) alone.
        Assert.Equal(DashboardDefinitions(before), DashboardDefinitions(rotated));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_changed_postgres_url_gives_a_new_task_definition(string stack)
    {
        var config = StackFiles.Load(stack);
        var before = await StackRun.RunAsync(config);
        var after = await StackRun.RunAsync(config, databasePassword: OtherPassword);

        Assert.NotEqual(Definitions(before), Definitions(after));
        Assert.NotEqual(BackendLabels(before), BackendLabels(after));
        Assert.Equal(DashboardDefinitions(before), DashboardDefinitions(after));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_change_is_a_version_number_never_a_secret_value(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack), databasePassword: OtherPassword);
        var definitions = Definitions(run);

        Assert.DoesNotContain(OtherPassword, definitions, StringComparison.Ordinal);
        Assert.DoesNotContain(MockValues.InstanceSecretHex, definitions, StringComparison.Ordinal);
        var label = Assert.Single(BackendLabels(run)).Value;
        Assert.Matches("^instance-secret=[0-9]+,db-credentials=[0-9]+$", label);
    }

    private static string Definitions(StackRun run) => run.ServiceTaskDefinition().Text("containerDefinitions")!;

    private static string DashboardDefinitions(StackRun run) => run.TaskDefinitionOf(run.DashboardService()).Text("containerDefinitions")!;

    private static Dictionary<string, string> BackendLabels(StackRun run)
    {
        using var json = JsonDocument.Parse(Definitions(run));
        var backend = json.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == EcsContainers.Backend);
        return backend.TryGetProperty("dockerLabels", out var labels)
            ? labels.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
    }
}
