using System.Collections.Immutable;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components.Tests.Component;

/// <summary>Bring your own network: nothing of the network is created, RDS sits in the given private subnets, and the invariants hold.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class ExistingVpcTests
{
    private static readonly string[] NetworkTypes =
    [
        "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/internetGateway:InternetGateway", "aws:ec2/natGateway:NatGateway",
        "aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route", "aws:ec2/routeTableAssociation:RouteTableAssociation",
        "aws:ec2/vpcEndpoint:VpcEndpoint",
    ];

    public static TheoryData<string, bool> Cases() => new()
    {
        { "dev", false },
        { "dev", true },
        { "ecs", true },
    };

    /// <param name="asOutputs">The ids arrive as outputs of other resources (a stack reference) instead of plain values.</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public async Task An_existing_vpc_gets_no_network_resources_and_rds_in_its_private_subnets(string stack, bool asOutputs)
    {
        // ECS with private tasks would add a NAT gateway and a route to a network of our own; not to someone else's.
        var args = ComponentRun.ArgsOf(stack, (SettingKeys.EcsSubnets.FullName, stack == "ecs" ? "private" : null));
        args.ExistingVpcId = asOutputs ? ComponentRun.Later(ComponentRun.VpcId) : ComponentRun.VpcId;
        args.PublicSubnetIds = asOutputs ? ComponentRun.Later(ComponentRun.PublicSubnets.ToImmutableArray()) : ComponentRun.PublicSubnets.ToList();
        args.PrivateSubnetIds = asOutputs ? ComponentRun.Later(ComponentRun.PrivateSubnets.ToImmutableArray()) : ComponentRun.PrivateSubnets.ToList();

        var run = await ComponentRun.UpAsync(stack, args);

        Assert.All(NetworkTypes, type => Assert.Empty(run.OfType(type)));
        var subnetGroup = Assert.Single(run.OfType("aws:rds/subnetGroup:SubnetGroup"));
        Assert.Equal(ComponentRun.PrivateSubnets, subnetGroup.List("subnetIds").Cast<string>());

        // Every security group lives in the given VPC; the database admits only the backend's group, and is private.
        var groups = run.OfType("aws:ec2/securityGroup:SecurityGroup").ToList();
        Assert.NotEmpty(groups);
        Assert.All(groups, g => Assert.Equal(ComponentRun.VpcId, g.Text("vpcId")));
        var database = Assert.Single(run.OfType("aws:rds/instance:Instance"));
        Assert.Equal(false, database.Flag("publiclyAccessible"));
        var databaseGroup = Assert.Single(groups, g => run.Mocks.Ids[$"{g.Type}::{g.Name}"] == Assert.Single(database.List("vpcSecurityGroupIds")) as string);
        var backendGroup = Assert.Single(groups, g => g.Name == "convex-network-backend");
        var databaseIngress = run.OfType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            .Where(r => r.Text("securityGroupId") == run.Mocks.Ids[$"{databaseGroup.Type}::{databaseGroup.Name}"])
            .ToList();
        Assert.NotEmpty(databaseIngress);
        Assert.All(databaseIngress, r =>
        {
            Assert.Equal(run.Mocks.Ids[$"{backendGroup.Type}::{backendGroup.Name}"], r.Text("referencedSecurityGroupId"));
            Assert.Null(r.Text("cidrIpv4"));
        });

        if (stack == "dev")
        {
            Assert.Equal(ComponentRun.PublicSubnets[0], Assert.Single(run.OfType("aws:ec2/instance:Instance")).Text("subnetId"));
        }
        else
        {
            Assert.Equal(ComponentRun.PublicSubnets, Assert.Single(run.OfType("aws:lb/loadBalancer:LoadBalancer")).List("subnets").Cast<string>());
            // Both services (backend and dashboard) run in the existing private subnets.
            var services = run.OfType("aws:ecs/service:Service").ToList();
            Assert.Equal(2, services.Count);
            foreach (var service in services)
            {
                var placement = (IDictionary<string, object>)service.Inputs["networkConfiguration"];
                Assert.Equal(ComponentRun.PrivateSubnets, ((IEnumerable<object>)placement["subnets"]).Cast<string>());
            }
        }

        // The subnets were looked up, to check their VPC and zones, before RDS got them.
        var looked = run.Mocks.Calls.Where(c => c.Token == "aws:ec2/getSubnet:getSubnet").Select(c => (string)c.Args["id"]).Order().ToList();
        Assert.Equal(ComponentRun.PublicSubnets.Concat(ComponentRun.PrivateSubnets).Order().ToList(), looked);
        Assert.True(await Output.IsSecretAsync(run.Deployment.AdminKey));
    }

    [Fact]
    public async Task Private_subnets_in_one_zone_stop_the_deployment_before_the_database_exists()
    {
        var args = ComponentRun.ArgsOf("dev");
        args.ExistingVpcId = ComponentRun.Later(ComponentRun.VpcId);
        args.PublicSubnetIds = ComponentRun.Later(ComponentRun.PublicSubnets.ToImmutableArray());
        args.PrivateSubnetIds = ComponentRun.Later(ComponentRun.PrivateSubnets.ToImmutableArray());
        var mocks = ComponentRun.NewMocks(privateSecondZone: "eu-west-1a");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentRun.UpAsync("dev", args, mocks));

        Assert.Contains(SettingKeys.PrivateSubnetIds.FullName, error.ToString(), StringComparison.Ordinal);
        Assert.Contains("at least 2 availability zones", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Resources, r => r.Type is "aws:rds/subnetGroup:SubnetGroup" or "aws:rds/instance:Instance");
    }
}
