using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using Pulumi;
using PulumiAws = Pulumi.Aws;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// Account facts read before the component registers: partition and account id (IAM ARNs), the caller (a user of the
/// stack key), the region's zones
/// (subnet plan) and, for the EC2 target, the current Amazon Linux 2023 arm64 AMI. Every lookup is an Output-form
/// invoke with the same <see cref="InvokeOptions"/>, which carry the AWS provider the deployment's resources use
/// (the caller's, or the one made for <c>region</c>), so the facts are those of the account and region deployed to.
/// </summary>
internal static class AwsLookups
{
    public const string RegionToken = "aws:index/getRegion:getRegion";

    /// <summary>The region an AWS provider deploys to, as that provider reports it.</summary>
    public static Output<string> Region(InvokeOptions options) =>
        PulumiAws.GetRegion.Invoke(new PulumiAws.GetRegionInvokeArgs(), options).Apply(r => r.Region);

    public static Output<AwsEnvironment> Load(DeploymentSpec spec, InvokeOptions options)
    {
        var region = spec.Region ?? throw new InvalidOperationException("aws:region: required for AWS targets; the settings reader should have said so.");
        var identity = PulumiAws.GetCallerIdentity.Invoke(new PulumiAws.GetCallerIdentityInvokeArgs(), options);
        var partition = PulumiAws.GetPartition.Invoke(new PulumiAws.GetPartitionInvokeArgs(), options);
        var zones = PulumiAws.GetAvailabilityZones.Invoke(new PulumiAws.GetAvailabilityZonesInvokeArgs
        {
            State = "available",
            // Local Zones and Wavelength Zones need an opt-in and lack RDS: only regular zones.
            Filters =
            {
                new PulumiAws.Inputs.GetAvailabilityZonesFilterInputArgs { Name = "opt-in-status", Values = { "opt-in-not-required" } },
            },
        }, options);
        var ami = spec.Target == DeploymentTarget.AwsEc2
            ? PulumiAws.Ssm.GetParameter.Invoke(new PulumiAws.Ssm.GetParameterInvokeArgs { Name = Ec2Host.AmiParameter }, options).Apply(p => (string?)p.Value)
            : Output.Create((string?)null);

        return Output.Tuple(identity, partition, zones, ami).Apply(t =>
            new AwsEnvironment(new AwsAccountContext(t.Item2.Partition, region, t.Item1.AccountId), t.Item3.Names, t.Item4, t.Item1.Arn));
    }
}
