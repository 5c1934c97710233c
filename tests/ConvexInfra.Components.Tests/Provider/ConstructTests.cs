using System.Collections.Immutable;
using ConvexInfra.Components.Tests.Component;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Provider;
using Pulumi;
using Pulumi.Experimental;
using Pulumi.Experimental.Provider;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Provider;

/// <summary>
/// The provider's Construct as another language calls it: inputs as property values (what a YAML or TypeScript
/// program sends), deserialized into the typed args by Pulumi, the component built, and its outputs returned with
/// the admin key secret.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class ConstructTests
{
    [Fact]
    public async Task A_yaml_style_request_builds_the_deployment_and_returns_the_contract_with_a_secret_admin_key()
    {
        var inputs = new Dictionary<string, PropertyValue>
        {
            ["target"] = new("aws-ec2"),
            ["instanceName"] = new("acme-dev"),
            ["imageRevision"] = new("652b828b5129e6cdbcaa3c20efa8d116d09ff3bf"),
            ["region"] = new("eu-west-1"),
            ["domain"] = new("convex.example.com"),
            ["rootVolumeGb"] = new(40.0),
            ["dbMultiAz"] = new(false),
            ["httpAllowedCidrs"] = new(ImmutableArray.Create(new PropertyValue("198.51.100.0/24"))),
            ["tags"] = new(ImmutableDictionary.CreateRange(new Dictionary<string, PropertyValue> { ["team"] = new("platform") })),
            ["existingVpcId"] = new(ComponentRun.VpcId),
            ["publicSubnetIds"] = new(ComponentRun.PublicSubnets.Select(s => new PropertyValue(s)).ToImmutableArray()),
            ["privateSubnetIds"] = new(ComponentRun.PrivateSubnets.Select(s => new PropertyValue(s)).ToImmutableArray()),
        }.ToImmutableDictionary();
        var mocks = ComponentRun.NewMocks();
        ConstructResponse? response = null;

        await Pulumi.Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = "app", StackName = "dev", IsPreview = false },
            async () =>
            {
                response = await new ConvexInfraProvider().Construct(
                    new ConstructRequest(ConvexInfraSchema.ResourceToken, "convex", inputs, new ComponentResourceOptions()),
                    CancellationToken.None);
                return new Dictionary<string, object?>();
            });

        Assert.NotNull(response);
        var state = response.Outputs;
        Assert.True(state[StackOutputNames.ApiUrl].TryGetString(out var apiUrl));
        Assert.Equal("https://api.convex.example.com", apiUrl);
        Assert.True(state[StackOutputNames.AdminKey].IsSecret);
        Assert.False(state[StackOutputNames.ApiUrl].IsSecret);
        Assert.True(state[StackOutputNames.Buckets].TryGetMap(out var buckets));
        Assert.Equal(5, buckets.Count);

        // The typed values reached the resources: the root volume, the allowlist, the tags, the given subnets.
        var instance = Assert.Single(mocks.Resources, r => r.Type == "aws:ec2/instance:Instance");
        Assert.Equal(40, instance.Map("rootBlockDevice").Text("volumeSize") is { } size ? int.Parse(size, System.Globalization.CultureInfo.InvariantCulture) : 0);
        Assert.Equal("platform", instance.Map("tags").Text("team"));
        Assert.Equal(ComponentRun.PrivateSubnets, Assert.Single(mocks.Resources, r => r.Type == "aws:rds/subnetGroup:SubnetGroup").List("subnetIds").Cast<string>());
        Assert.DoesNotContain(mocks.Resources, r => r.Type == "aws:ec2/vpc:Vpc");
    }

    [Fact]
    public async Task Lists_and_maps_that_are_outputs_of_other_resources_are_taken_once_known()
    {
        var args = ComponentRun.ArgsOf("dev");
        args.Tags = ComponentRun.Later(ImmutableDictionary<string, string>.Empty.Add("team", "from-another-stack"));
        args.HttpAllowedCidrs = ComponentRun.Later(ImmutableArray.Create("198.51.100.0/24"));
        args.DeploymentEnv = ComponentRun.Later(ImmutableDictionary<string, string>.Empty.Add("APP_MODE", "production"));

        var run = await ComponentRun.UpAsync("dev", args);

        Assert.Equal("from-another-stack", Assert.Single(run.OfType("aws:ec2/instance:Instance")).Map("tags").Text("team"));
        Assert.Equal(["198.51.100.0/24"], run.Deployment.Spec.Network.HttpAllowedCidrs);
        Assert.Equal("production", run.Deployment.Spec.Extensions.DeploymentEnv["APP_MODE"]);
        Assert.NotNull(run.Deployment.DeploymentEnvironment);
    }
}
