using System.Text.RegularExpressions;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// Splits the VPC CIDR into sixteen equal slots (a /16 gives /20s). Public subnet <c>i</c> takes slot <c>i</c>,
/// private subnet <c>i</c> takes slot <c>8 + i</c>, so going from two to three zones adds subnets without moving
/// the existing ones (moving a subnet replaces it, and with it the database's subnet group). Slots 3..7 and
/// 11..15 stay free for later use.
/// </summary>
public static partial class NetworkPlanner
{
    public const string VpcCidrKey = "convex-infra:vpcCidr";
    public const string AvailabilityZonesKey = "convex-infra:availabilityZones";

    public const int LargestVpcPrefix = 16;
    public const int SmallestVpcPrefix = 24;
    public const int SmallestSubnetPrefix = 28;
    public const int MinZones = 2;
    public const int MaxZones = 3;

    /// <summary>Bits added to the VPC prefix to get the subnet prefix: sixteen slots.</summary>
    private const int SlotBits = 4;
    private const int PrivateSlotOffset = 8;

    /// <summary>Docker's default bridge on the EC2 host; a VPC overlapping it sends database traffic into docker0.</summary>
    private static readonly Ipv4Cidr DockerBridge = Ipv4Cidr.Parse("172.17.0.0/16");

    private const string VpcExample = "10.40.0.0/16";

    /// <summary>Plans the network or throws <see cref="NetworkPlanException"/> listing every problem.</summary>
    public static NetworkPlan Plan(string vpcCidr, IReadOnlyList<string> availabilityZones)
    {
        ArgumentNullException.ThrowIfNull(availabilityZones);
        var errors = Validate(vpcCidr, availabilityZones);
        if (errors.Count > 0)
        {
            throw new NetworkPlanException(errors);
        }

        var vpc = Ipv4Cidr.Parse(vpcCidr);
        var subnetPrefix = vpc.PrefixLength + SlotBits;
        var publics = new List<SubnetPlan>();
        var privates = new List<SubnetPlan>();
        for (var i = 0; i < availabilityZones.Count; i++)
        {
            var zone = availabilityZones[i];
            publics.Add(new SubnetPlan($"public-{zone}", vpc.Subnet(subnetPrefix, i).ToString(), zone, IsPublic: true));
            privates.Add(new SubnetPlan($"private-{zone}", vpc.Subnet(subnetPrefix, PrivateSlotOffset + i).ToString(), zone, IsPublic: false));
        }

        return new NetworkPlan(vpc.ToString(), publics, privates);
    }

    /// <summary>Every problem with the inputs, empty when <see cref="Plan"/> will succeed.</summary>
    public static IReadOnlyList<ConfigError> Validate(string vpcCidr, IReadOnlyList<string> availabilityZones)
    {
        ArgumentNullException.ThrowIfNull(availabilityZones);
        var errors = new List<ConfigError>();
        if (ValidateVpcCidr(vpcCidr) is { } cidrError)
        {
            errors.Add(cidrError);
        }

        errors.AddRange(ValidateZones(availabilityZones));
        return errors;
    }

    /// <summary>Checks a <c>convex-infra:vpcCidr</c> value on its own; the settings reader can reuse it.</summary>
    public static ConfigError? ValidateVpcCidr(string? vpcCidr)
    {
        if (!Ipv4Cidr.TryParse(vpcCidr, out var vpc, out var parseError))
        {
            return new ConfigError(VpcCidrKey, Quote(vpcCidr), $"an IPv4 CIDR with zero host bits ({parseError})", VpcExample);
        }

        if (vpc.PrefixLength < LargestVpcPrefix)
        {
            return new ConfigError(
                VpcCidrKey,
                Quote(vpcCidr),
                $"a prefix from /{LargestVpcPrefix} to /{SmallestVpcPrefix}: AWS allows no VPC larger than /{LargestVpcPrefix}",
                VpcExample);
        }

        if (vpc.PrefixLength > SmallestVpcPrefix)
        {
            return new ConfigError(
                VpcCidrKey,
                Quote(vpcCidr),
                $"room for {2 * MaxZones} subnets of at least /{SmallestSubnetPrefix} in sixteen equal slots; "
                + $"the smallest VPC that fits is a /{SmallestVpcPrefix}",
                "10.40.0.0/24");
        }

        if (!vpc.IsPrivate)
        {
            return new ConfigError(
                VpcCidrKey,
                Quote(vpcCidr),
                "a private range (inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16)",
                VpcExample);
        }

        if (vpc.Overlaps(DockerBridge))
        {
            return new ConfigError(
                VpcCidrKey,
                Quote(vpcCidr),
                $"a range that does not overlap Docker's default bridge {DockerBridge}: on the EC2 host, traffic to "
                + "those addresses would go to the containers' bridge instead of the VPC",
                VpcExample);
        }

        return null;
    }

    private static IEnumerable<ConfigError> ValidateZones(IReadOnlyList<string> zones)
    {
        var given = zones.Count == 0 ? "no zones" : $"{zones.Count} zone(s): {string.Join(", ", zones.Select(Quote))}";
        if (zones.Count is < MinZones or > MaxZones)
        {
            yield return new ConfigError(
                AvailabilityZonesKey,
                given,
                $"{MinZones} or {MaxZones} availability zones (RDS and the load balancer need at least two)",
                "2");
        }

        var malformed = zones.Where(zone => zone is null || !ZoneName().IsMatch(zone)).ToList();
        if (malformed.Count > 0)
        {
            yield return new ConfigError(
                AvailabilityZonesKey,
                string.Join(", ", malformed.Select(Quote)),
                "availability zone names of lowercase letters, digits and hyphens",
                "us-east-1a");
        }

        var duplicates = zones.Where(zone => zone is not null).GroupBy(zone => zone, StringComparer.Ordinal)
            .Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        if (duplicates.Count > 0)
        {
            yield return new ConfigError(
                AvailabilityZonesKey,
                given,
                $"distinct availability zones; repeated: {string.Join(", ", duplicates)}",
                "us-east-1a, us-east-1b");
        }
    }

    private static string Quote(string? text) => text is null ? "nothing" : $"'{text}'";

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)+$")]
    private static partial Regex ZoneName();
}
