using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>What AWS says about one subnet: the VPC it belongs to and its availability zone.</summary>
public sealed record SubnetFacts(string Id, string VpcId, string AvailabilityZone);

/// <summary>
/// Rules for bringing your own network (<c>existingVpcId</c>, <c>publicSubnetIds</c>, <c>privateSubnetIds</c>). The
/// settings reader applies <see cref="CheckIds"/> to values it knows; the ConvexDeployment component applies the same
/// function, and <see cref="CheckPlacement"/>, once values that are outputs of other resources are known. Each error
/// names its key.
/// </summary>
public static partial class ExistingNetworkRules
{
    /// <summary>RDS needs a subnet group over at least two availability zones.</summary>
    public const int MinimumDatabaseZones = 2;

    public static string? VpcIdProblem(string id) =>
        VpcPattern().IsMatch(id) ? null : "a VPC id: 'vpc-' then 8 or 17 lowercase hex digits";

    public static string? SubnetIdProblem(string id) =>
        SubnetPattern().IsMatch(id) ? null : "a subnet id: 'subnet-' then 8 or 17 lowercase hex digits";

    /// <summary>Public subnets a target needs: the EC2 host needs one; the ECS load balancer needs two zones.</summary>
    public static int MinimumPublicSubnets(DeploymentTarget target) => target == DeploymentTarget.AwsEcs ? 2 : 1;

    /// <summary>Shape checks of known ids: formats, counts, no duplicates, no subnet in both lists.</summary>
    public static IReadOnlyList<ConfigError> CheckIds(
        DeploymentTarget target, string? vpcId, IReadOnlyList<string>? publicSubnetIds, IReadOnlyList<string>? privateSubnetIds)
    {
        var errors = new List<ConfigError>();
        if (vpcId is not null && VpcIdProblem(vpcId) is { } vpcProblem)
        {
            errors.Add(Error(SettingKeys.ExistingVpcId, Quote(vpcId), vpcProblem));
        }

        CheckList(errors, SettingKeys.PublicSubnetIds, publicSubnetIds, MinimumPublicSubnets(target),
            target == DeploymentTarget.AwsEcs ? "the load balancer spans two zones" : "the EC2 host and the export tasks run there");
        CheckList(errors, SettingKeys.PrivateSubnetIds, privateSubnetIds, MinimumDatabaseZones, "RDS needs subnets in two availability zones");

        if (publicSubnetIds is not null && privateSubnetIds is not null)
        {
            foreach (var both in publicSubnetIds.Intersect(privateSubnetIds, StringComparer.Ordinal))
            {
                errors.Add(Error(SettingKeys.PrivateSubnetIds, $"{Quote(both)}, which is also in publicSubnetIds",
                    "subnets without a route to the internet, separate from the public ones: the database must not sit in a public subnet"));
            }
        }

        return errors;
    }

    /// <summary>Checks what AWS reports about the subnets: they belong to the VPC and spread over enough zones.</summary>
    public static IReadOnlyList<ConfigError> CheckPlacement(
        DeploymentTarget target, string vpcId, IReadOnlyList<SubnetFacts> publicSubnets, IReadOnlyList<SubnetFacts> privateSubnets)
    {
        var errors = new List<ConfigError>();
        foreach (var (key, subnets) in new[] { (SettingKeys.PublicSubnetIds, publicSubnets), (SettingKeys.PrivateSubnetIds, privateSubnets) })
        {
            foreach (var outside in subnets.Where(s => s.VpcId != vpcId))
            {
                errors.Add(Error(key, $"{Quote(outside.Id)} of {outside.VpcId}", $"subnets of existingVpcId {vpcId}"));
            }
        }

        var privateZones = privateSubnets.Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (privateZones.Count < MinimumDatabaseZones)
        {
            errors.Add(Error(SettingKeys.PrivateSubnetIds, $"subnets in {Zones(privateZones)}",
                $"private subnets in at least {MinimumDatabaseZones} availability zones (RDS requires a subnet group over two zones)"));
        }

        var publicZones = publicSubnets.Select(s => s.AvailabilityZone).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var minimumPublic = MinimumPublicSubnets(target);
        if (publicZones.Count < minimumPublic)
        {
            errors.Add(Error(SettingKeys.PublicSubnetIds, $"subnets in {Zones(publicZones)}",
                $"public subnets in at least {minimumPublic} availability zones (the load balancer spans two zones)"));
        }

        return errors;
    }

    /// <summary>One message for errors found once outputs are known, in the same "key: got …; expected …" form.</summary>
    public static string Report(string componentName, IEnumerable<ConfigError> errors) =>
        $"ConvexDeployment '{componentName}': inputs known only at deployment time are invalid; nothing that uses them was created. Fix these:{Environment.NewLine}" +
        string.Join(Environment.NewLine, errors.Select(e => $"  - {e}"));

    private static void CheckList(List<ConfigError> errors, SettingKey key, IReadOnlyList<string>? ids, int minimum, string why)
    {
        if (ids is null)
        {
            return;
        }

        foreach (var id in ids)
        {
            if (SubnetIdProblem(id) is { } problem)
            {
                errors.Add(Error(key, $"{Quote(id)} in the list", problem));
            }
        }

        foreach (var duplicate in ids.GroupBy(id => id, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(Error(key, $"{Quote(duplicate.Key)} twice", "each subnet once"));
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).Count();
        if (distinct < minimum)
        {
            errors.Add(Error(key, $"{distinct} subnet{(distinct == 1 ? "" : "s")}", $"at least {minimum} ({why})"));
        }
    }

    private static ConfigError Error(SettingKey key, string given, string expected) => new(key.FullName, given, expected, key.ExampleLine);

    private static string Quote(string value) => $"'{value}'";

    private static string Zones(List<string> zones) => zones.Count == 0 ? "no zone" : string.Join(", ", zones);

    [GeneratedRegex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VpcPattern();

    [GeneratedRegex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SubnetPattern();
}
