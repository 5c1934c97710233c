using System.Collections.Concurrent;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>Class fixture: each stack file is run once under mocks and shared by every assertion about it.</summary>
public sealed class StackRuns
{
    private readonly ConcurrentDictionary<string, Lazy<Task<StackRun>>> _runs = new(StringComparer.Ordinal);

    internal Task<StackRun> GetAsync(string stackName) =>
        _runs.GetOrAdd(stackName, name => new Lazy<Task<StackRun>>(() => StackRun.RunAsync(StackFiles.Load(name)))).Value;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PulumiDeployments
{
    /// <summary>Pulumi's test deployment and the PULUMI_CONFIG variables are process-wide: one test at a time.</summary>
    public const string Name = "Pulumi deployments";
}
