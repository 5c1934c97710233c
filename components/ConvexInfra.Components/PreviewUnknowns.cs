using System.Collections.Immutable;
using System.Reflection;
using ConvexInfra.Core.Spec;
using Pulumi;

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
        if (Unknown.Contains(SettingKeys.Tags))
        {
            changed |= Gate(args.Args, "Tags", gate);
        }

        if (Unknown.Any(CidrKeys.Contains))
        {
            var type = args.Args.GetType().Name;
            if (type == "SecurityGroupIngressRuleArgs")
            {
                changed |= Gate(args.Args, "CidrIpv4", gate);
            }
            else if (type == "InstanceArgs")
            {
                changed |= Gate(args.Args, "UserData", gate);
            }
            else if (type == "ListenerRuleArgs")
            {
                // The ECS dashboard allowlist is a source-IP condition of the ALB's host rules.
                changed |= Gate(args.Args, "Conditions", gate);
            }
        }

        return changed ? new ResourceTransformationResult(args.Args, args.Options) : null;
    };

    /// <summary>Replaces the property's value with the same value behind <paramref name="gate"/>, which is unknown.</summary>
    private static bool Gate(ResourceArgs args, string name, Output<bool> gate)
    {
        var property = args.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        if (property is null || !property.CanWrite)
        {
            return false;
        }

        object? gated = property.GetValue(args) switch
        {
            InputMap<string> map => (InputMap<string>)Output.Tuple(gate, map.ToOutput()).Apply(t => t.Item2),
            Input<string> text => (Input<string>)Output.Tuple(gate, text.ToOutput()).Apply(t => t.Item2),
            { } list when list.GetType() is { IsGenericType: true } listType && listType.GetGenericTypeDefinition() == typeof(InputList<>) =>
                typeof(PreviewUnknowns).GetMethod(nameof(GateList), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(listType.GetGenericArguments()[0]).Invoke(null, [list, gate]),
            _ => null,
        };
        if (gated is null)
        {
            return false;
        }

        property.SetValue(args, gated);
        return true;
    }

    private static InputList<T> GateList<T>(InputList<T> list, Output<bool> gate) =>
        Output.Tuple(gate, list.ToOutput()).Apply(t => t.Item2);
}
