using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Tests;

/// <summary>What keeps data from being deleted by a stray <c>pulumi destroy</c>, read from the registered resources themselves.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class DataSafetyTests(StackRuns runs) : IClassFixture<StackRuns>
{
    public static TheoryData<string> AwsStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")))
        {
            data.Add(stack);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Buckets_are_protected_exactly_where_the_database_is(string stack)
    {
        var run = await runs.GetAsync(stack);
        var buckets = run.Resources.Where(r => r.GetResourceType() == "aws:s3/bucket:Bucket").ToList();
        var database = Assert.Single(run.Resources, r => r.GetResourceType() == "aws:rds/instance:Instance");

        Assert.Equal(5, buckets.Count);
        Assert.Equal(run.Spec.Protection.ProtectData, ResourceOptionsProbe.IsProtected(database));
        Assert.All(buckets, b => Assert.Equal(run.Spec.Protection.ProtectData, ResourceOptionsProbe.IsProtected(b)));
        if (run.Spec.Tier is Tier.Staging or Tier.Prod)
        {
            Assert.All(buckets, b => Assert.True(ResourceOptionsProbe.IsProtected(b), $"{b.GetResourceName()} of a {run.Spec.Tier} stack is not protected"));
        }
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_probe_sees_unprotected_resources_too(string stack)
    {
        var run = await runs.GetAsync(stack);

        // Network pieces are never protected: the probe does not just answer true.
        Assert.Contains(run.Resources, r => r.GetResourceType() == "aws:ec2/vpc:Vpc" && !ResourceOptionsProbe.IsProtected(r));
    }
}
