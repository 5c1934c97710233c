using System.Collections.Frozen;
using System.Collections.Immutable;
using ConvexInfra.Core.Spec;
using Pulumi;
using Acm = Pulumi.Aws.Acm;
using AwsEcs = Pulumi.Aws.Ecs;
using CloudWatch = Pulumi.Aws.CloudWatch;
using Ec2 = Pulumi.Aws.Ec2;
using Iam = Pulumi.Aws.Iam;
using Kms = Pulumi.Aws.Kms;
using LB = Pulumi.Aws.LB;
using Rds = Pulumi.Aws.Rds;
using Route53 = Pulumi.Aws.Route53;
using S3 = Pulumi.Aws.S3;
using Sns = Pulumi.Aws.Sns;
using Ssm = Pulumi.Aws.Ssm;
using Vpc = Pulumi.Aws.Vpc;

namespace ConvexInfra.Components;

/// <summary>
/// List and map inputs (the CIDR allowlists, <c>tags</c>, <c>deploymentEnv</c>) that are still unknown in a preview:
/// generated SDKs accept outputs there, so a preview must succeed. The settings reader needs plain values, so in a
/// preview it reads the deployment without them (their tier defaults) and validates them in the update, when they
/// are known; the inputs they flow into are made unknown in every registration so the preview does not show the
/// defaults' values as the plan: every child's <c>Tags</c>; the security group ingress rules' CIDRs, the EC2
/// host's user data (the Caddyfile allowlist) and the ALB rules' conditions for a CIDR list; the deployment-env step's map. Which rules exist may
/// still differ from the update (e.g. SSH rules only once <c>sshAllowedCidrs</c> is known): the component logs a
/// warning naming the keys. An update never has unknown inputs, so nothing here changes it.
/// </summary>
internal sealed class PreviewUnknowns
{
    /// <summary>The list and map keys this applies to (the reader refuses other unknowns as before).</summary>
    public static readonly IReadOnlyList<SettingKey> Keys =
        [SettingKeys.HttpAllowedCidrs, SettingKeys.SshAllowedCidrs, SettingKeys.DashboardAllowedCidrs, SettingKeys.Tags, SettingKeys.DeploymentEnv];

    private static readonly IReadOnlyList<SettingKey> CidrKeys = [SettingKeys.HttpAllowedCidrs, SettingKeys.SshAllowedCidrs, SettingKeys.DashboardAllowedCidrs];

    /// <summary>Unknown while any of the keys is: every gated input waits for it.</summary>
    private readonly Output<bool> gate;

    private PreviewUnknowns(IReadOnlyList<SettingKey> unknown, Output<bool> gate)
    {
        Unknown = unknown;
        this.gate = gate;
        DeploymentEnv = unknown.Contains(SettingKeys.DeploymentEnv)
            ? gate.Apply(_ => ImmutableDictionary<string, string>.Empty)
            : null;
    }

    /// <summary>The keys that were unknown, in schema order.</summary>
    public IReadOnlyList<SettingKey> Unknown { get; }

    /// <summary>The plain deployment variables as an unknown output when <c>deploymentEnv</c> was unknown; else null.</summary>
    public Output<ImmutableDictionary<string, string>>? DeploymentEnv { get; }

    /// <summary>
    /// The config without the unknown list/map keys, and what was taken out; null when nothing was (always in an
    /// update).
    /// </summary>
    public static (StackConfig Config, PreviewUnknowns? Unknowns) Split(StackConfig config, ConvexDeploymentArgs args, bool isDryRun)
    {
        var unknown = isDryRun ? Keys.Where(k => config.Find(k.FullName)?.IsDeferred == true).ToList() : [];
        if (unknown.Count == 0)
        {
            return (config, null);
        }

        var values = config.Values.Where(p => !unknown.Any(k => k.FullName == p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var outputs = unknown.Select(key => ConvexDeploymentSettings.InputOf(args, key) switch
        {
            InputList<string> list => list.ToOutput().Apply(_ => true),
            InputMap<string> map => map.ToOutput().Apply(_ => true),
            var other => throw new InvalidOperationException($"{key.FullName}: {other?.GetType().Name} is not a list or map input."),
        });
        var gate = Output.All(outputs).Apply(_ => true);
        return (config with { Values = values }, new PreviewUnknowns(unknown, gate));
    }

    /// <summary>The warning the component logs: which keys the preview could not read, and what that means.</summary>
    public string Warning =>
        $"{string.Join(", ", Unknown.Select(k => k.Name))} unknown in this preview (outputs of resources not created yet): the preview " +
        "shows the inputs they flow into as unknown and plans with their defaults otherwise; they are validated and applied in the update.";

    /// <summary>Makes the inputs the unknown keys flow into unknown, in every child registration.</summary>
    public ResourceTransformation Transformation => args =>
    {
        var changed = false;
        if (Unknown.Contains(SettingKeys.Tags) && TagGates.TryGetValue(args.Args.GetType(), out var tags))
        {
            changed |= tags(args.Args, gate);
        }

        if (Unknown.Any(CidrKeys.Contains) && CidrGates.TryGetValue(args.Args.GetType(), out var cidrs))
        {
            changed |= cidrs(args.Args, gate);
        }

        return changed ? new ResourceTransformationResult(args.Args, args.Options) : null;
    };

    /// <summary>
    /// Every args type the deployment registers with <c>Tags</c> (AwsTags.For), each read and set through its typed
    /// property. A type missing here would show its default tags as the plan; the protocol test
    /// (Preview_with_unknown_tags_…) fails then, because it checks every tagged AWS registration.
    /// </summary>
    private static readonly FrozenDictionary<Type, Func<ResourceArgs, Output<bool>, bool>> TagGates = FrozenDictionary.ToFrozenDictionary(
        [
            Tagged<Acm.CertificateArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<AwsEcs.ClusterArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<AwsEcs.ServiceArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<AwsEcs.TaskDefinitionArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<CloudWatch.EventRuleArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<CloudWatch.LogGroupArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<CloudWatch.MetricAlarmArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.EipArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.InstanceArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.InternetGatewayArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.NatGatewayArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.RouteTableArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.SecurityGroupArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.SubnetArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.VpcArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ec2.VpcEndpointArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Iam.InstanceProfileArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Iam.RoleArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Kms.KeyArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<LB.ListenerArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<LB.ListenerRuleArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<LB.LoadBalancerArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<LB.TargetGroupArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Rds.InstanceArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Rds.ParameterGroupArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Rds.SubnetGroupArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Route53.HealthCheckArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<S3.BucketArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Sns.TopicArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ssm.DocumentArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Ssm.ParameterArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Vpc.SecurityGroupEgressRuleArgs>(a => a.Tags, (a, v) => a.Tags = v),
            Tagged<Vpc.SecurityGroupIngressRuleArgs>(a => a.Tags, (a, v) => a.Tags = v),
        ]);

    /// <summary>The inputs a CIDR allowlist flows into: ingress rules' CIDRs, the host's user data (its Caddyfile), the ALB rules' conditions.</summary>
    private static readonly FrozenDictionary<Type, Func<ResourceArgs, Output<bool>, bool>> CidrGates = FrozenDictionary.ToFrozenDictionary(
        [
            Gated<Vpc.SecurityGroupIngressRuleArgs>((a, gate) => a.CidrIpv4 is { } cidr && Set(() => a.CidrIpv4 = GateText(cidr, gate))),
            Gated<Ec2.InstanceArgs>((a, gate) => a.UserData is { } userData && Set(() => a.UserData = GateText(userData, gate))),
            // The ECS dashboard allowlist is a source-IP condition of the ALB's host rules.
            Gated<LB.ListenerRuleArgs>((a, gate) => Set(() => a.Conditions = GateList(a.Conditions, gate))),
        ]);

    private static KeyValuePair<Type, Func<ResourceArgs, Output<bool>, bool>> Tagged<T>(Func<T, InputMap<string>> get, Action<T, InputMap<string>> set)
        where T : ResourceArgs =>
        Gated<T>((a, gate) => Set(() => set(a, (InputMap<string>)Output.Tuple(gate, get(a).ToOutput()).Apply(t => t.Item2))));

    private static KeyValuePair<Type, Func<ResourceArgs, Output<bool>, bool>> Gated<T>(Func<T, Output<bool>, bool> gateInputs)
        where T : ResourceArgs =>
        new(typeof(T), (args, gate) => gateInputs((T)args, gate));

    private static bool Set(Action assign)
    {
        assign();
        return true;
    }

    /// <summary>The same value behind <paramref name="gate"/>, which is unknown in the preview.</summary>
    private static Input<string> GateText(Input<string> text, Output<bool> gate) =>
        Output.Tuple(gate, text.ToOutput()).Apply(t => t.Item2);

    private static InputList<T> GateList<T>(InputList<T> list, Output<bool> gate) =>
        Output.Tuple(gate, list.ToOutput()).Apply(t => t.Item2);
}
