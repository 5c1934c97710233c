using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using Aws = Pulumi.Aws;

namespace ConvexInfra;

/// <summary>
/// Account facts read once before any resource is registered: partition and account id (IAM ARNs), the region's
/// zones (subnet plan) and, for the EC2 target, the current Amazon Linux 2023 arm64 AMI.
/// </summary>
internal static class AwsLookups
{
    public static async Task<AwsEnvironment> LoadAsync(DeploymentSpec spec)
    {
        var region = spec.Region ?? throw new InvalidOperationException("aws:region: required for AWS targets; the settings reader should have said so.");
        var identity = await Aws.GetCallerIdentity.InvokeAsync().ConfigureAwait(false);
        var partition = await Aws.GetPartition.InvokeAsync().ConfigureAwait(false);
        var zones = await Aws.GetAvailabilityZones.InvokeAsync(new Aws.GetAvailabilityZonesArgs
        {
            State = "available",
            // Local Zones and Wavelength Zones need an opt-in and lack RDS: only regular zones.
            Filters =
            {
                new Aws.Inputs.GetAvailabilityZonesFilterArgs { Name = "opt-in-status", Values = { "opt-in-not-required" } },
            },
        }).ConfigureAwait(false);

        string? amiId = null;
        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            var ami = await Aws.Ssm.GetParameter.InvokeAsync(new Aws.Ssm.GetParameterArgs { Name = Ec2Host.AmiParameter }).ConfigureAwait(false);
            amiId = ami.Value;
        }

        return new AwsEnvironment(new AwsAccountContext(partition.Partition, region, identity.AccountId), zones.Names, amiId);
    }
}
