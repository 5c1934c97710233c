using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Component;

/// <summary>
/// Another program's use of the component: typed args built in code (here from a repo stack file, then changed),
/// <c>await ConvexDeployment.CreateAsync(...)</c> inside a mocked deployment, and everything it registered and invoked.
/// </summary>
internal sealed record ComponentRun(ConvexDeployment Deployment, AwsMocks Mocks)
{
    public const string VpcId = "vpc-0a1b2c3d4e5f67890";
    public static readonly string[] PublicSubnets = ["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"];
    public static readonly string[] PrivateSubnets = ["subnet-0c1d2e3f4a5b67890", "subnet-0d1e2f3a4b5c67890"];

    public IEnumerable<MockResourceArgs> OfType(string type) => Mocks.Resources.Where(r => r.Type == type);

    /// <summary>A stack file as typed args, without the keys an existing network excludes.</summary>
    public static ConvexDeploymentArgs ArgsOf(string stack, params (string Key, string? Raw)[] changes)
    {
        var config = StackFiles.Load(stack);
        foreach (var (key, raw) in changes.Append((SettingKeys.VpcCidr.FullName, null)).Append((SettingKeys.AvailabilityZones.FullName, null)))
        {
            config = StackFiles.With(config, key, raw);
        }

        return ConvexDeploymentSettings.FromStackConfig(config);
    }

    /// <summary>A value that arrives later, as an output of another resource (or a stack reference) does.</summary>
    public static Output<T> Later<T>(T value) => Output.Create(Task.Run(async () =>
    {
        await Task.Delay(20);
        return value;
    }));

    public static async Task<ComponentRun> UpAsync(string stack, ConvexDeploymentArgs args, AwsMocks? mocks = null)
    {
        mocks ??= NewMocks();
        ConvexDeployment? deployment = null;
        await Pulumi.Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = StackFiles.ProjectName, StackName = stack, IsPreview = false },
            async () => { deployment = await ConvexDeployment.CreateAsync("convex", args); });
        return new ComponentRun(deployment!, mocks);
    }

    /// <summary>Mocks that know the existing VPC's subnets: public ones in zones a and b, private ones in a and b.</summary>
    public static AwsMocks NewMocks(string privateSecondZone = "eu-west-1b")
    {
        var mocks = new AwsMocks("eu-west-1");
        mocks.Subnets[PublicSubnets[0]] = (VpcId, "eu-west-1a");
        mocks.Subnets[PublicSubnets[1]] = (VpcId, "eu-west-1b");
        mocks.Subnets[PrivateSubnets[0]] = (VpcId, "eu-west-1a");
        mocks.Subnets[PrivateSubnets[1]] = (VpcId, privateSecondZone);
        return mocks;
    }
}
