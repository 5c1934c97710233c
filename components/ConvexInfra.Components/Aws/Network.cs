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

    /// <summary>A VPC and subnets to use instead of creating them (<c>existingVpcId</c>); null = create the network.</summary>
    public ExistingNetwork? Existing { get; init; }
}

/// <summary>Someone else's VPC and subnets, possibly outputs of their resources (checked before use by the caller).</summary>
public sealed record ExistingNetwork(Input<string> VpcId, Output<ImmutableArray<string>> PublicSubnetIds, Output<ImmutableArray<string>> PrivateSubnetIds);

/// <summary>
/// VPC with public and private subnets over the planned zones, an internet gateway for the public ones, a free S3
/// gateway endpoint, and the backend security group (egress only; each target opens what it needs). Target-neutral:
/// the EC2 host and the ECS service both use it. Given an existing network, it creates only the backend security
/// group in that VPC: no VPC, subnets, gateways, routes or endpoints.
/// </summary>
public sealed class Network : ComponentResource
{
    public Output<string> VpcId { get; }
    public Output<ImmutableArray<string>> PublicSubnetIds { get; }
    public Output<ImmutableArray<string>> PrivateSubnetIds { get; }
    /// <summary>Route tables of a created network; null for an existing one (its routes are its owner's).</summary>
    public Output<string>? PublicRouteTableId { get; }
    public Output<string>? PrivateRouteTableId { get; }

    /// <summary>Security group of whatever runs the backend; the database admits only this group.</summary>
    public Output<string> BackendSecurityGroupId { get; }

    /// <summary>The subnet plan of a created network; null for an existing one.</summary>
    public NetworkPlan? Plan { get; }

    public Network(string name, NetworkArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Network, name, options)
    {
        var spec = args.Spec;
        if (args.Existing is { } existing)
        {
            VpcId = existing.VpcId.ToOutput();
            PublicSubnetIds = existing.PublicSubnetIds;
            PrivateSubnetIds = existing.PrivateSubnetIds;
            BackendSecurityGroupId = BackendGroup(name, spec, existing.VpcId, new CustomResourceOptions { Parent = this });
            RegisterOutputs(Outputs());
            return;
        }

        var zoneCount = spec.Network.AvailabilityZoneCount;
        if (args.AvailabilityZones.Count < zoneCount)
        {
            throw new InvalidOperationException(
                $"convex-infra:availabilityZones: the stack asks for {zoneCount} zones but region {spec.Region} offers " +
                $"{args.AvailabilityZones.Count} ({string.Join(", ", args.AvailabilityZones)}); set it to {args.AvailabilityZones.Count} or less.");
        }

        var plan = NetworkPlanner.Plan(spec.Network.VpcCidr, args.AvailabilityZones.Take(zoneCount).ToList());
        Plan = plan;
        var child = new CustomResourceOptions { Parent = this };

        var vpc = new Ec2.Vpc($"{name}-vpc", new Ec2.VpcArgs
        {
            CidrBlock = plan.VpcCidr,
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

        var publicIds = plan.PublicSubnets.Select(s => Subnet(name, spec, s, vpc, publicRoutes, child)).ToList();
        var privateIds = plan.PrivateSubnets.Select(s => Subnet(name, spec, s, vpc, privateRoutes, child)).ToList();

        // Gateway endpoints are free and keep S3 traffic off the internet gateway (and off any NAT gateway).
        _ = new Ec2.VpcEndpoint($"{name}-s3", new Ec2.VpcEndpointArgs
        {
            VpcId = vpc.Id,
            ServiceName = $"com.amazonaws.{spec.Region}.s3",
            VpcEndpointType = "Gateway",
            RouteTableIds = { publicRoutes.Id, privateRoutes.Id },
            Tags = AwsTags.For(spec, $"{name}-s3"),
        }, child);

        VpcId = vpc.Id;
        PublicSubnetIds = Output.All(publicIds);
        PrivateSubnetIds = Output.All(privateIds);
        PublicRouteTableId = publicRoutes.Id;
        PrivateRouteTableId = privateRoutes.Id;
        BackendSecurityGroupId = BackendGroup(name, spec, vpc.Id, child);

        RegisterOutputs(Outputs());
    }

    private Dictionary<string, object?> Outputs() => new()
    {
        ["vpcId"] = VpcId,
        ["publicSubnetIds"] = PublicSubnetIds,
        ["privateSubnetIds"] = PrivateSubnetIds,
        ["backendSecurityGroupId"] = BackendSecurityGroupId,
    };

    /// <summary>The backend's security group with open egress; each target adds the ingress it needs.</summary>
    private static Output<string> BackendGroup(string name, DeploymentSpec spec, Input<string> vpcId, CustomResourceOptions child)
    {
        var backend = new Ec2.SecurityGroup($"{name}-backend", new Ec2.SecurityGroupArgs
        {
            VpcId = vpcId,
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
        return backend.Id;
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
