using ConvexInfra.Core.Aws;

namespace ConvexInfra.Core.Tests.Aws;

public class NetworkPlannerTests
{
    private static readonly string[] TwoZones = ["us-east-1a", "us-east-1b"];
    private static readonly string[] ThreeZones = ["us-east-1a", "us-east-1b", "us-east-1c"];

    [Fact]
    public void A_16_over_three_zones_gives_20s_publics_first_privates_in_the_upper_half()
    {
        var plan = NetworkPlanner.Plan("10.40.0.0/16", ThreeZones);

        Assert.Equal("10.40.0.0/16", plan.VpcCidr);
        Assert.Equal(
            [
                new SubnetPlan("public-us-east-1a", "10.40.0.0/20", "us-east-1a", true),
                new SubnetPlan("public-us-east-1b", "10.40.16.0/20", "us-east-1b", true),
                new SubnetPlan("public-us-east-1c", "10.40.32.0/20", "us-east-1c", true),
            ],
            plan.PublicSubnets);
        Assert.Equal(
            [
                new SubnetPlan("private-us-east-1a", "10.40.128.0/20", "us-east-1a", false),
                new SubnetPlan("private-us-east-1b", "10.40.144.0/20", "us-east-1b", false),
                new SubnetPlan("private-us-east-1c", "10.40.160.0/20", "us-east-1c", false),
            ],
            plan.PrivateSubnets);
    }

    [Fact]
    public void A_24_gives_the_smallest_allowed_subnets()
    {
        var plan = NetworkPlanner.Plan("192.168.7.0/24", TwoZones);

        Assert.Equal(["192.168.7.0/28", "192.168.7.16/28"], plan.PublicSubnets.Select(s => s.Cidr));
        Assert.Equal(["192.168.7.128/28", "192.168.7.144/28"], plan.PrivateSubnets.Select(s => s.Cidr));
    }

    [Fact]
    public void Adding_a_third_zone_keeps_the_existing_subnets_where_they_are()
    {
        var two = NetworkPlanner.Plan("10.40.0.0/16", TwoZones);
        var three = NetworkPlanner.Plan("10.40.0.0/16", ThreeZones);

        Assert.All(two.AllSubnets, subnet => Assert.Contains(subnet, three.AllSubnets));
    }

    public static TheoryData<string, int> AllSizes()
    {
        var data = new TheoryData<string, int>();
        string[] bases = ["10.0.0.0", "172.20.0.0", "192.168.0.0"];
        foreach (var network in bases)
        {
            for (var prefix = 16; prefix <= 24; prefix++)
            {
                data.Add($"{network}/{prefix}", 2);
                data.Add($"{network}/{prefix}", 3);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllSizes))]
    public void Every_plan_is_inside_the_vpc_without_overlaps_equal_sized_and_at_least_28(string vpcCidr, int zoneCount)
    {
        var zones = ThreeZones.Take(zoneCount).ToList();
        var plan = NetworkPlanner.Plan(vpcCidr, zones);
        var vpc = Ipv4Cidr.Parse(vpcCidr);
        var subnets = plan.AllSubnets.Select(subnet => Ipv4Cidr.Parse(subnet.Cidr)).ToList();

        Assert.Equal(zoneCount, plan.PublicSubnets.Count);
        Assert.Equal(zoneCount, plan.PrivateSubnets.Count);
        Assert.All(plan.PublicSubnets, subnet => Assert.True(subnet.IsPublic));
        Assert.All(plan.PrivateSubnets, subnet => Assert.False(subnet.IsPublic));
        Assert.Equal(zones, plan.PublicSubnets.Select(subnet => subnet.AvailabilityZone));
        Assert.Equal(zones, plan.PrivateSubnets.Select(subnet => subnet.AvailabilityZone));
        Assert.All(subnets, subnet => Assert.True(vpc.Contains(subnet), $"{subnet} outside {vpc}"));
        Assert.All(subnets, subnet => Assert.Equal(vpc.PrefixLength + 4, subnet.PrefixLength));
        Assert.All(subnets, subnet => Assert.True(subnet.PrefixLength <= 28));
        for (var i = 0; i < subnets.Count; i++)
        {
            for (var j = i + 1; j < subnets.Count; j++)
            {
                Assert.False(subnets[i].Overlaps(subnets[j]), $"{subnets[i]} overlaps {subnets[j]}");
            }
        }

        Assert.Equal(plan.AllSubnets.Count, plan.AllSubnets.Select(subnet => subnet.Name).Distinct().Count());
        var lastPublic = subnets.Take(zoneCount).Max(subnet => subnet.LastAddress);
        var firstPrivate = subnets.Skip(zoneCount).Min(subnet => subnet.Network);
        Assert.True(lastPublic < firstPrivate, "public subnets come first, private ones after");
    }

    [Theory]
    [InlineData("10.0.0.0/25", "smallest VPC that fits is a /24")]
    [InlineData("10.0.0.0/28", "smallest VPC that fits is a /24")]
    [InlineData("10.0.0.0/15", "no VPC larger than /16")]
    [InlineData("10.0.0.0/8", "no VPC larger than /16")]
    [InlineData("8.8.0.0/16", "private range")]
    [InlineData("100.64.0.0/16", "private range")]
    [InlineData("172.17.0.0/16", "Docker's default bridge 172.17.0.0/16")]
    [InlineData("172.17.128.0/20", "Docker's default bridge")]
    [InlineData("10.0.0.1/16", "did you mean 10.0.0.0/16?")]
    [InlineData("10.0.0.0", "prefix length is missing")]
    [InlineData("ten/16", "not four numbers")]
    public void Bad_vpc_cidrs_name_the_key_and_what_fits(string vpcCidr, string expected)
    {
        var error = Assert.Throws<NetworkPlanException>(() => NetworkPlanner.Plan(vpcCidr, TwoZones));

        var configError = Assert.Single(error.Errors);
        Assert.Equal("convex-infra:vpcCidr", configError.Key);
        Assert.Equal($"'{vpcCidr}'", configError.Given);
        Assert.Contains(expected, configError.Expected);
        Assert.Contains("convex-infra:vpcCidr", error.Message);
        Assert.Contains("Example: 10.40.0.", error.Message);
    }

    [Theory]
    [InlineData(new string[0], "no zones")]
    [InlineData(new[] { "us-east-1a" }, "1 zone(s)")]
    [InlineData(new[] { "us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d" }, "4 zone(s)")]
    public void Zone_counts_other_than_two_or_three_are_refused(string[] zones, string given)
    {
        var error = Assert.Throws<NetworkPlanException>(() => NetworkPlanner.Plan("10.40.0.0/16", zones));

        var configError = Assert.Single(error.Errors);
        Assert.Equal("convex-infra:availabilityZones", configError.Key);
        Assert.StartsWith(given, configError.Given);
        Assert.Contains("2 or 3", configError.Expected);
    }

    [Fact]
    public void Repeated_and_malformed_zones_are_refused()
    {
        var errors = NetworkPlanner.Validate("10.40.0.0/16", ["us-east-1a", "us-east-1a", "US East"]);

        Assert.Equal(2, errors.Count);
        Assert.All(errors, error => Assert.Equal("convex-infra:availabilityZones", error.Key));
        Assert.Contains(errors, error => error.Expected.Contains("repeated: us-east-1a"));
        Assert.Contains(errors, error => error.Given == "'US East'");
    }

    [Fact]
    public void All_problems_are_reported_together()
    {
        var errors = NetworkPlanner.Validate("10.0.0.0/26", ["us-east-1a"]);

        Assert.Equal(["convex-infra:vpcCidr", "convex-infra:availabilityZones"], errors.Select(error => error.Key));
    }

    [Fact]
    public void ValidateVpcCidr_accepts_good_values_for_the_settings_reader()
    {
        Assert.Null(NetworkPlanner.ValidateVpcCidr("10.40.0.0/16"));
        Assert.Null(NetworkPlanner.ValidateVpcCidr("172.18.0.0/20"));
        Assert.NotNull(NetworkPlanner.ValidateVpcCidr(null));
    }
}
