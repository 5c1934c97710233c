using System.Collections.Concurrent;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>
/// What keeps data from being deleted by a stray <c>pulumi destroy</c>: the <c>protect</c> option each resource is
/// registered with. Mocks never see resource options, so a transformation on the component records them for every
/// descendant, as Pulumi hands them over at registration.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class DataSafetyTests
{
    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Buckets_are_protected_exactly_where_the_database_is(string stack)
    {
        var (spec, resources, protect) = await UpAsync(stack);
        var buckets = resources.Where(r => r.GetResourceType() == "aws:s3/bucket:Bucket").ToList();
        var database = Assert.Single(resources, r => r.GetResourceType() == "aws:rds/instance:Instance");

        // The stack's five and, where it has one, the backup copy's (protected the same way).
        Assert.Equal(Core.Ops.BackupCopyPlan.For(spec) is null ? 5 : 6, buckets.Count);
        Assert.Equal(spec.Protection.ProtectData, protect[database]);
        Assert.All(buckets, b => Assert.Equal(spec.Protection.ProtectData, protect[b]));
        if (spec.Tier is Tier.Staging or Tier.Prod)
        {
            Assert.All(buckets, b => Assert.True(protect[b], $"{b.GetResourceName()} of a {spec.Tier} stack is not protected"));
        }
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_record_sees_unprotected_resources_too(string stack)
    {
        var (_, resources, protect) = await UpAsync(stack);

        // Network pieces are never protected: the record does not just answer true.
        Assert.Contains(resources, r => r.GetResourceType() == "aws:ec2/vpc:Vpc" && !protect[r]);
    }

    private static async Task<(DeploymentSpec Spec, IReadOnlyList<Resource> Resources, IReadOnlyDictionary<Resource, bool> Protect)> UpAsync(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var protect = new ConcurrentDictionary<Resource, bool>();

        ResourceTransformationResult? Record(ResourceTransformationArgs args)
        {
            protect[args.Resource] = args.Options.Protect == true;
            return null;
        }

        var resources = await Deployment.TestAsync(
            new AwsMocks(spec.Region ?? "eu-west-1").Mock.Object,
            new TestOptions { ProjectName = config.ProjectName, StackName = config.StackName, IsPreview = false },
            async () => _ = await ConvexDeployment.CreateAsync(
                "convex",
                ConvexDeploymentSettings.FromStackConfig(config),
                new ComponentResourceOptions { ResourceTransformations = { Record } }));

        // Every custom resource is a descendant of the component, so each one's options were recorded.
        var custom = resources.Where(r => r is CustomResource).ToList();
        Assert.All(custom, r => Assert.True(protect.ContainsKey(r), $"{r.GetResourceName()} was not registered under the component"));
        return (spec, custom, protect);
    }
}
