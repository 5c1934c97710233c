using System.Collections.Immutable;
using ConvexInfra.Components.Local;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests.Local;

/// <summary>One mocked <c>pulumi up</c> of a <see cref="LocalConvex"/> built from the repo's local stack file.</summary>
internal sealed record LocalStackRun(
    DeploymentSpec Spec,
    LocalMocks Mocks,
    LocalConvex Component,
    ImmutableArray<Resource> Resources,
    IReadOnlyDictionary<Resource, Resource?> Parents)
{
    /// <summary>A fixed issue time, so two runs over the same state give the same admin key.</summary>
    public const long IssuedAt = 1_767_225_600;

    /// <summary>The spec of Pulumi.local.yaml (copied next to the test assembly under stacks/).</summary>
    public static DeploymentSpec LocalStackSpec(string? database = null)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "stacks", "Pulumi.local.yaml");
        var config = StackFile.Load(path);
        if (database is not null)
        {
            var values = new Dictionary<string, ConfigValue>(config.Values) { ["convex-infra:database"] = new ConfigValue(database) };
            config = config with { Values = values };
        }

        var result = SettingsReader.Read(config);
        return result.Spec ?? throw new InvalidOperationException(
            $"{path} does not validate:{Environment.NewLine}{string.Join(Environment.NewLine, result.Errors)}");
    }

    public static async Task<LocalStackRun> UpAsync(DeploymentSpec spec, LocalMocks? mocks = null, (string AccessKeyId, string SecretAccessKey)? bucketKeys = null)
    {
        mocks ??= new LocalMocks();
        LocalConvex? component = null;
        var parents = new System.Collections.Concurrent.ConcurrentDictionary<Resource, Resource?>();

        // A transformation on the component runs for each of its descendants with the options it was registered with:
        // it records the parent each one names, which is what Pulumi uses to build the tree.
        ResourceTransformationResult? RecordParent(ResourceTransformationArgs args)
        {
            parents[args.Resource] = args.Options.Parent;
            return null;
        }

        var resources = await Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = spec.ProjectName, StackName = spec.StackName, IsPreview = false },
            () =>
            {
                component = new LocalConvex(
                    "convex",
                    new LocalConvexArgs
                    {
                        Spec = spec,
                        AdminKeyIssuedAtUnixSeconds = IssuedAt,
                        // As the program passes them: secret outputs read from config.
                        BucketKeys = bucketKeys is { } keys ? (Output.CreateSecret(keys.AccessKeyId), Output.CreateSecret(keys.SecretAccessKey)) : null,
                    },
                    new ComponentResourceOptions { ResourceTransformations = { RecordParent } });
            });
        return new LocalStackRun(spec, mocks, component!, resources, parents);
    }

    public static Task<T> ValueAsync<T>(Output<T> output) => OutputUtilities.GetValueAsync(output);

    public async Task<IReadOnlyList<string>> EnvAsync(LocalRole role) =>
        [.. await ValueAsync(Component.Environments[role])];

    /// <summary>The inputs a container was registered with, found by its Docker name.</summary>
    public IReadOnlyDictionary<string, object> ContainerInputs(LocalRole role)
    {
        var name = LocalNames.Container(Spec, role);
        return Assert.Single(Mocks.OfType(LocalTokens.Container), c => Equals(c.Inputs["name"], name)).Inputs;
    }

    public static IEnumerable<IReadOnlyDictionary<string, object>> Items(object list) =>
        ((IEnumerable<object>)list).Cast<IReadOnlyDictionary<string, object>>();

    /// <summary>Every string anywhere in a registered input value (lists and maps included).</summary>
    public static IEnumerable<string> Strings(object? value) => value switch
    {
        string text => [text],
        IEnumerable<KeyValuePair<string, object>> map => map.SelectMany(p => Strings(p.Value).Append(p.Key)),
        IEnumerable<object> list => list.SelectMany(Strings),
        _ => [],
    };
}
