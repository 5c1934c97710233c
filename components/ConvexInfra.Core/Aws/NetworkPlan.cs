namespace ConvexInfra.Core.Aws;

/// <summary>One subnet to create: <see cref="Name"/> is stable per AZ and role, fit for a Pulumi resource name.</summary>
public sealed record SubnetPlan(string Name, string Cidr, string AvailabilityZone, bool IsPublic);

/// <summary>The VPC and its subnets: one public and one private subnet per availability zone, in AZ order.</summary>
public sealed record NetworkPlan(string VpcCidr, IReadOnlyList<SubnetPlan> PublicSubnets, IReadOnlyList<SubnetPlan> PrivateSubnets)
{
    public IReadOnlyList<SubnetPlan> AllSubnets => [.. PublicSubnets, .. PrivateSubnets];
}

/// <summary>A plan that cannot be made from the given settings; <see cref="Errors"/> says what to change.</summary>
public sealed class NetworkPlanException(IReadOnlyList<Spec.ConfigError> errors)
    : ArgumentException(string.Join(Environment.NewLine, errors.Select(error => error.ToString())))
{
    public IReadOnlyList<Spec.ConfigError> Errors { get; } = errors;
}
