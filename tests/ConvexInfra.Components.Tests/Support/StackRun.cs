using System.Collections.Immutable;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>One run of the real program (<see cref="ConvexProgram"/>) under mocks, with everything it registered.</summary>
internal sealed record StackRun(
    DeploymentSpec Spec,
    ImmutableArray<Resource> Resources,
    IDictionary<string, object?> Outputs,
    IReadOnlyList<MockResourceArgs> Registered,
    IReadOnlyList<MockCallArgs> Calls,
    IReadOnlyDictionary<string, string> Ids)
{
    /// <param name="revisionHistory">The stored revision history SSM answers with; null = first deploy.</param>
    public static async Task<StackRun> RunAsync(StackConfig config, string? revisionHistory = null)
    {
        var spec = ConvexProgram.ReadSpec(config);
        var mocks = new AwsMocks(spec.Region ?? "eu-west-1", revisionHistory);
        var (resources, outputs) = await Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(config));
        return new StackRun(spec, resources, outputs, mocks.Resources.ToList(), mocks.Calls.ToList(), new Dictionary<string, string>(mocks.Ids));
    }

    public IEnumerable<MockResourceArgs> OfType(string type) => Registered.Where(r => r.Type == type);

    public MockResourceArgs Single(string type) => Assert.Single(OfType(type));

    public string IdOf(MockResourceArgs resource) => Ids[$"{resource.Type}::{resource.Name}"];

    public IEnumerable<MockResourceArgs> AwsResources => Registered.Where(r => r.Type?.StartsWith("aws:", StringComparison.Ordinal) == true);
}
