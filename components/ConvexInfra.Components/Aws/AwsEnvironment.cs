using ConvexInfra.Core.Aws;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Facts about the target AWS account the program looks up once, before any resource is registered, so the
/// components can render IAM policies and the subnet plan from plain values.
/// </summary>
/// <param name="Account">Partition, region and account id (policy ARNs).</param>
/// <param name="AvailabilityZones">Available zones of the region, in AWS's order; the network uses the first N.</param>
/// <param name="HostAmiId">Amazon Linux 2023 arm64 AMI for the EC2 host; null for targets without a host.</param>
/// <param name="CallerArn">Who runs pulumi, as <c>sts:GetCallerIdentity</c> reports it: a deployer of the stack key.</param>
public sealed record AwsEnvironment(AwsAccountContext Account, IReadOnlyList<string> AvailabilityZones, string? HostAmiId, string CallerArn);
