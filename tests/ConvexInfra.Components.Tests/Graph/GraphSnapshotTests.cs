using ConvexInfra.Components.Tests.Support;

namespace ConvexInfra.Components.Tests.Graph;

/// <summary>
/// Every repository stack file gives the resource graph recorded in <c>Graph/Snapshots/&lt;stack&gt;.json</c>: the
/// snapshots were taken from the program before ConvexDeployment took typed args, so the stack program's path through
/// the typed args is proven to register the same resources with the same inputs. A deliberate graph change updates the
/// snapshot (run with <c>UPDATE_GRAPH_SNAPSHOTS=1</c>) and shows in review.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class GraphSnapshotTests
{
    public static TheoryData<string> Stacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.StackNames())
        {
            data.Add(stack);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Stack_file_gives_the_recorded_resource_graph(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));
        var graph = ResourceGraph.Of(run.Registered);
        var path = SnapshotPath(stack);

        if (Environment.GetEnvironmentVariable("UPDATE_GRAPH_SNAPSHOTS") == "1")
        {
            await File.WriteAllTextAsync(path, ResourceGraph.Serialize(graph));
        }

        Assert.True(File.Exists(path), $"No graph snapshot for stack '{stack}' at {path}; run the tests once with UPDATE_GRAPH_SNAPSHOTS=1 and review it.");
        var expected = ResourceGraph.Deserialize(await File.ReadAllTextAsync(path));

        var expectedKeys = expected.Select(n => n.Key).ToList();
        var actualKeys = graph.Select(n => n.Key).ToList();
        Assert.Equal(expectedKeys, actualKeys);

        var changed = graph.Zip(expected)
            .Where(pair => pair.First != pair.Second)
            .Select(pair => $"{pair.First.Key} (provider '{pair.First.Provider}'): inputs now {ResourceGraph.CanonicalInputs(
                run.Registered.First(r => $"{r.Type}::{r.Name}" == pair.First.Key))}")
            .ToList();
        Assert.True(changed.Count == 0, "Resources whose inputs changed:" + Environment.NewLine + string.Join(Environment.NewLine, changed));
    }

    private static string SnapshotPath(string stack)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
        {
            dir = dir.Parent;
        }

        var root = dir?.FullName ?? throw new InvalidOperationException("ConvexInfra.sln not found above the test assembly.");
        return Path.Combine(root, "tests", "ConvexInfra.Components.Tests", "Graph", "Snapshots", $"{stack}.json");
    }
}
