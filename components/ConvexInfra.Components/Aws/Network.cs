using System.Collections.Immutable;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using Pulumi;
using Ec2 = Pulumi.Aws.Ec2;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components.Aws;

public sealed class NetworkArgs
{
    public required DeploymentSpec Spec { get; init; }

    /// <summary>Availability zones to choose from; the first <c>Network.AvailabilityZoneCount</c> are used.</summary>
    public required IReadOnlyList<string> AvailabilityZones { get; init; }
}

/// <summary>
/// VPC with public and private subnets over the planned zones, an internet gateway for the public ones, a free S3
/// gateway endpoint, and the backend security group (egress only; each target opens what it needs). Target-neutral:
/// the EC2 host and the ECS service both use it.
/// </summary>
public sealed class Network : ComponentResource
{
    public Output<string> VpcId { get; }
    public Output<ImmutableArray<string>> PublicSubnetIds { get; }
    public Output<ImmutableArray<string>> PrivateSubnetIds { get; }
    public Output<string> PublicRouteTableId { get; }
    public Output<string> PrivateRouteTableId { get; }

    /// <summary>Security group of whatever runs the backend; the database admits only this group.</summary>
    public Output<string> BackendSecurityGroupId { get; }

    public NetworkPlan Plan { get; }

    public Network(string name, NetworkArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Network, name, options)
    {
        var spec = args.Spec;
        var zoneCount = spec.Network.AvailabilityZoneCount;
        if (args.AvailabilityZones.Count < zoneCount)
        {
            throw new InvalidOperationException(
                $"convex-infra:availabilityZones: the stack asks for {zoneCount} zones but region {spec.Region} offers " +
                $"{args.AvailabilityZones.Count} ({string.Join(", ", args.AvailabilityZones)}); set it to {args.AvailabilityZones.Count} or less.");
        }

        Plan = NetworkPlanner.Plan(spec.Network.VpcCidr, args.AvailabilityZones.Take(zoneCount).ToList());
        var child = new CustomResourceOptions { Parent = this };

        var vpc = new Ec2.Vpc($"{name}-vpc", new Ec2.VpcArgs
        {
            CidrBlock = Plan.VpcCidr,
            // RDS endpoints and the S3 endpoint resolve through the VPC resolver.
            EnableDnsSupport = true,
            EnableDnsHostnames = true,
            Tags = AwsTags.For(spec, $"{name}-vpc"),
        }, child);

        var gateway = new Ec2.InternetGateway($"{name}-igw", new Ec2.InternetGatewayArgs
        {
            VpcId = vpc.Id,
            Tags = AwsTags.For(spec, $"{name}-igw"),
        }, child);

        var publicRoutes = new Ec2.RouteTable($"{name}-public", new Ec2.RouteTableArgs
        {
            VpcId = vpc.Id,
            Tags = AwsTags.For(spec, $"{name}-public"),
        }, child);
        _ = new Ec2.Route($"{name}-public-internet", new Ec2.RouteArgs
        {
            RouteTableId = publicRoutes.Id,
            DestinationCidrBlock = "0.0.0.0/0",
            GatewayId = gateway.Id,
        }, child);

        // Private subnets have no route to the internet: only the database lives there (ECS may add a NAT route).
        var privateRoutes = new Ec2.RouteTable($"{name}-private", new Ec2.RouteTableArgs
        {
            VpcId = vpc.Id,
            Tags = AwsTags.For(spec, $"{name}-private"),
        }, child);

        var publicIds = Plan.PublicSubnets.Select(s => Subnet(name, spec, s, vpc, publicRoutes, child)).ToList();
        var privateIds = Plan.PrivateSubnets.Select(s => Subnet(name, spec, s, vpc, privateRoutes, child)).ToList();

        // Gateway endpoints are free and keep S3 traffic off the internet gateway (and off any NAT gateway).
        _ = new Ec2.VpcEndpoint($"{name}-s3", new Ec2.VpcEndpointArgs
        {
            VpcId = vpc.Id,
            ServiceName = $"com.amazonaws.{spec.Region}.s3",
            VpcEndpointType = "Gateway",
            RouteTableIds = { publicRoutes.Id, privateRoutes.Id },
            Tags = AwsTags.For(spec, $"{name}-s3"),
        }, child);

        var backend = new Ec2.SecurityGroup($"{name}-backend", new Ec2.SecurityGroupArgs
        {
            VpcId = vpc.Id,
            Description = $"Convex backend of {spec.StackName}/{spec.InstanceName}",
            Tags = AwsTags.For(spec, $"{name}-backend"),
        }, child);

        // The backend pulls images from ghcr.io, reaches SSM, S3, RDS and Let's Encrypt: egress stays open.
        _ = new Vpc.SecurityGroupEgressRule($"{name}-backend-egress", new Vpc.SecurityGroupEgressRuleArgs
        {
            SecurityGroupId = backend.Id,
            IpProtocol = "-1",
            CidrIpv4 = "0.0.0.0/0",
            Description = "All outbound traffic",
            Tags = AwsTags.For(spec, $"{name}-backend-egress"),
        }, child);

        VpcId = vpc.Id;
        PublicSubnetIds = Output.All(publicIds);
        PrivateSubnetIds = Output.All(privateIds);
        PublicRouteTableId = publicRoutes.Id;
        PrivateRouteTableId = privateRoutes.Id;
        BackendSecurityGroupId = backend.Id;

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["vpcId"] = VpcId,
            ["publicSubnetIds"] = PublicSubnetIds,
            ["privateSubnetIds"] = PrivateSubnetIds,
            ["backendSecurityGroupId"] = BackendSecurityGroupId,
        });
    }

    private static Output<string> Subnet(
        string name, DeploymentSpec spec, SubnetPlan plan, Ec2.Vpc vpc, Ec2.RouteTable routes, CustomResourceOptions child)
    {
        var subnet = new Ec2.Subnet($"{name}-{plan.Name}", new Ec2.SubnetArgs
        {
            VpcId = vpc.Id,
            CidrBlock = plan.Cidr,
            AvailabilityZone = plan.AvailabilityZone,
            // Nothing gets a public address by accident; the host uses an Elastic IP.
            MapPublicIpOnLaunch = false,
            Tags = AwsTags.For(spec, $"{name}-{plan.Name}"),
        }, child);
        _ = new Ec2.RouteTableAssociation($"{name}-{plan.Name}", new Ec2.RouteTableAssociationArgs
        {
            SubnetId = subnet.Id,
            RouteTableId = routes.Id,
        }, child);
        return subnet.Id;
    }
}
