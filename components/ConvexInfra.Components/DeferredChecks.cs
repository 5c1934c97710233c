using System.Collections.Immutable;
using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Spec;
using Pulumi;
using Ec2 = Pulumi.Aws.Ec2;

namespace ConvexInfra.Components;

/// <summary>
/// Checks of inputs that may be outputs of other resources, run as soon as their values are known (before the
/// resources that use them are registered, since those wait for the checked value). A failure stops the deployment
/// with the same "key: got …; expected …" errors the settings reader gives.
/// </summary>
internal static class DeferredChecks
{
    /// <summary>The existing VPC and subnets, once their ids have the right shape and AWS places them in that VPC over enough zones.</summary>
    public static ExistingNetwork? Network(string name, DeploymentSpec spec, DeferredInputs inputs, Resource parent)
    {
        if (spec.Network.Existing is null)
        {
            return null;
        }

        var ids = Output.Tuple(
            inputs.ExistingVpcId!.ToOutput(),
            inputs.PublicSubnetIds!.ToOutput(),
            inputs.PrivateSubnetIds!.ToOutput()).Apply(t =>
        {
            Throw(name, ExistingNetworkRules.CheckIds(spec.Target, t.Item1, t.Item2, t.Item3));
            return t;
        });

        var options = new InvokeOptions { Parent = parent };
        var placed = ids.Apply(t =>
        {
            var publicFacts = Output.All(t.Item2.Select(id => Facts(id, options)));
            var privateFacts = Output.All(t.Item3.Select(id => Facts(id, options)));
            return Output.Tuple(publicFacts, privateFacts).Apply(facts =>
            {
                Throw(name, ExistingNetworkRules.CheckPlacement(spec.Target, t.Item1, facts.Item1, facts.Item2));
                return t;
            });
        });

        return new ExistingNetwork(placed.Apply(t => t.Item1), placed.Apply(t => t.Item2), placed.Apply(t => t.Item3));
    }

    public static Input<string>? HostedZoneId(string name, Input<string>? zone) =>
        zone is null ? null : (Input<string>)zone.ToOutput().Apply(id => Checked(name, SettingKeys.HostedZoneId, id, ValueRules.HostedZoneId(id)));

    /// <summary>An SNS topic ARN of the stack's region (CloudWatch notifies only topics in its own region).</summary>
    public static Input<string>? AlarmTopicArn(string name, DeploymentSpec spec, Input<string>? topic) =>
        topic is null ? null : (Input<string>)topic.ToOutput().Apply(arn =>
        {
            var problem = ValueRules.SnsTopicArn(arn);
            if (problem is null && arn.Split(':')[3] != spec.Region)
            {
                problem = $"a topic in the stack's region {spec.Region} (CloudWatch alarms notify only topics in their own region)";
            }

            return Checked(name, SettingKeys.AlarmTopicArn, arn, problem);
        });

    private static Output<SubnetFacts> Facts(string id, InvokeOptions options) =>
        Ec2.GetSubnet.Invoke(new Ec2.GetSubnetInvokeArgs { Id = id }, options)
            .Apply(subnet => new SubnetFacts(id, subnet.VpcId, subnet.AvailabilityZone));

    private static string Checked(string name, SettingKey key, string value, string? problem)
    {
        Throw(name, problem is null ? [] : [new ConfigError(key.FullName, $"'{value}'", problem, key.ExampleLine)]);
        return value;
    }

    private static void Throw(string name, IReadOnlyList<ConfigError> errors)
    {
        if (errors.Count > 0)
        {
            throw new RunException(ExistingNetworkRules.Report(name, errors));
        }
    }
}
