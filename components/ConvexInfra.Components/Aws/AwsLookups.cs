using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using PulumiAws = Pulumi.Aws;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Account facts read once before any resource is registered: partition and account id (IAM ARNs), the region's
/// zones (subnet plan) and, for the EC2 target, the current Amazon Linux 2023 arm64 AMI.
/// </summary>
internal static class AwsLookups
{
    public static async Task<AwsEnvironment> LoadAsync(DeploymentSpec spec)
    {
        var region = spec.Region ?? throw new InvalidOperationException("aws:region: required for AWS targets; the settings reader should have said so.");
        var identity = await PulumiAws.GetCallerIdentity.InvokeAsync().ConfigureAwait(false);
        var partition = await PulumiAws.GetPartition.InvokeAsync().ConfigureAwait(false);
        var zones = await PulumiAws.GetAvailabilityZones.InvokeAsync(new PulumiAws.GetAvailabilityZonesArgs
        {
            State = "available",
            // Local Zones and Wavelength Zones need an opt-in and lack RDS: only regular zones.
            Filters =
            {
                new PulumiAws.Inputs.GetAvailabilityZonesFilterArgs { Name = "opt-in-status", Values = { "opt-in-not-required" } },
            },
        }).ConfigureAwait(false);

        string? amiId = null;
        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            var ami = await PulumiAws.Ssm.GetParameter.InvokeAsync(new PulumiAws.Ssm.GetParameterArgs { Name = Ec2Host.AmiParameter }).ConfigureAwait(false);
            amiId = ami.Value;
        }

        return new AwsEnvironment(new AwsAccountContext(partition.Partition, region, identity.AccountId), zones.Names, amiId);
    }
}
