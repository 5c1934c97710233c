using System.Collections.Concurrent;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>
/// A run of the deployment under mocks that also records the options each custom resource was registered with
/// (timeouts, ignoreChanges, deleteBeforeReplace, aliases, parent), which the mocks do not see, by resource name.
/// </summary>
internal static class RecordedOptions
{
    public static async Task<(StackRun Run, ConcurrentDictionary<string, CustomResourceOptions> Options)> RunAsync(StackConfig config)
    {
        var spec = ConvexProgram.ReadSpec(config);
        var options = new ConcurrentDictionary<string, CustomResourceOptions>(StringComparer.Ordinal);
        ResourceTransformationResult? Record(ResourceTransformationArgs args)
        {
            if (args.Options is CustomResourceOptions custom)
            {
                options[args.Resource.GetResourceName()] = custom;
            }

            return null;
        }

        var mocks = new AwsMocks(spec.Region!);
        var resources = await Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            async () => _ = await ConvexDeployment.CreateAsync("convex", ConvexDeploymentSettings.FromStackConfig(config),
                new ComponentResourceOptions { ResourceTransformations = { Record } }));
        var run = new StackRun(spec, resources, new Dictionary<string, object?>(), mocks.Resources.ToList(), mocks.Calls.ToList(), new Dictionary<string, string>(mocks.Ids));
        return (run, options);
    }
}
