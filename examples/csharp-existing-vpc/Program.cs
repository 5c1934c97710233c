using System.Collections.Immutable;
using ConvexInfra.Components;
using Pulumi;

// Convex in someone else's network: the VPC, its subnets and the DNS zone come from the network stack's outputs.
// Nothing of the network is created here; RDS goes to the private subnets (checked: same VPC, two zones).
return await Deployment.RunAsync(async () =>
{
    var config = new Config();
    var network = new StackReference(config.Require("networkStack"));

    // CreateAsync awaits the AWS lookups (account, zones, AMI, revision history) before anything registers.
    var convex = await ConvexDeployment.CreateAsync("convex", new ConvexDeploymentArgs
    {
        Target = "aws-ec2",
        Tier = "staging",
        InstanceName = config.Require("instanceName"),
        ImageRevision = config.Require("imageRevision"),
        Domain = config.Require("domain"),
        ExistingVpcId = network.RequireOutput("vpcId").Apply(id => (string)id),
        PublicSubnetIds = network.RequireOutput("publicSubnetIds").Apply(Ids),
        PrivateSubnetIds = network.RequireOutput("privateSubnetIds").Apply(Ids),
        HostedZoneId = network.RequireOutput("hostedZoneId").Apply(id => (string)id),
        HttpAllowedCidrs = ["0.0.0.0/0"],
        AlarmEmail = "oncall@example.com",
    });

    return (IDictionary<string, object?>)new Dictionary<string, object?>
    {
        ["apiUrl"] = convex.ApiUrl,
        ["siteUrl"] = convex.SiteUrl,
        ["dashboardUrl"] = convex.DashboardUrl,
        ["adminKey"] = convex.AdminKey,
    };
});

static ImmutableArray<string> Ids(object value) =>
    ((IEnumerable<object>)value).Select(id => (string)id).ToImmutableArray();
