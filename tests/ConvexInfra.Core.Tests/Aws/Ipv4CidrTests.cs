using ConvexInfra.Core.Aws;

namespace ConvexInfra.Core.Tests.Aws;

public class Ipv4CidrTests
{
    [Theory]
    [InlineData("10.0.0.0/16", 0x0A000000u, 16)]
    [InlineData("0.0.0.0/0", 0u, 0)]
    [InlineData("255.255.255.255/32", 0xFFFFFFFFu, 32)]
    [InlineData(" 192.168.4.0/22 ", 0xC0A80400u, 22)]
    public void Parse_reads_network_and_prefix(string text, uint network, int prefix)
    {
        var cidr = Ipv4Cidr.Parse(text);

        Assert.Equal(network, cidr.Network);
        Assert.Equal(prefix, cidr.PrefixLength);
        Assert.Equal(text.Trim(), cidr.ToString());
    }

    [Theory]
    [InlineData("10.0.0.0", "prefix length is missing")]
    [InlineData("10.0.0/16", "not four numbers")]
    [InlineData("10.0.0.256/32", "not four numbers")]
    [InlineData("10.0.0.01/32", "not four numbers")]
    [InlineData("10.0.0.-1/32", "not four numbers")]
    [InlineData("10.0.0.0/33", "from 0 to 32")]
    [InlineData("10.0.0.0/", "from 0 to 32")]
    [InlineData("10.0.0.0/+8", "from 0 to 32")]
    [InlineData("a.b.c.d/8", "not four numbers")]
    [InlineData("", "prefix length is missing")]
    public void TryParse_rejects_malformed_text_with_a_reason(string text, string reason)
    {
        Assert.False(Ipv4Cidr.TryParse(text, out _, out var error));
        Assert.Contains(reason, error);
        Assert.Contains("example", error);
        Assert.Throws<FormatException>(() => Ipv4Cidr.Parse(text));
    }

    [Fact]
    public void TryParse_rejects_null()
    {
        Assert.False(Ipv4Cidr.TryParse(null, out _));
    }

    [Theory]
    [InlineData("10.0.0.1/16", "10.0.0.0/16")]
    [InlineData("192.168.1.77/24", "192.168.1.0/24")]
    [InlineData("172.31.255.255/12", "172.16.0.0/12")]
    public void Host_bits_are_refused_naming_the_network_meant(string text, string meant)
    {
        Assert.False(Ipv4Cidr.TryParse(text, out _, out var error));
        Assert.Contains("host bits", error);
        Assert.Contains($"did you mean {meant}?", error);
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.0.0/20", true)]
    [InlineData("10.0.0.0/16", "10.0.255.240/28", true)]
    [InlineData("10.0.0.0/16", "10.0.0.0/16", true)]
    [InlineData("10.0.0.0/16", "10.1.0.0/20", false)]
    [InlineData("10.0.0.0/16", "10.0.0.0/8", false)]
    [InlineData("0.0.0.0/0", "203.0.113.0/24", true)]
    public void Contains_is_true_only_for_networks_fully_inside(string outer, string inner, bool expected)
    {
        Assert.Equal(expected, Ipv4Cidr.Parse(outer).Contains(Ipv4Cidr.Parse(inner)));
    }

    [Theory]
    [InlineData("10.0.0.0/16", "10.0.128.0/17", true)]
    [InlineData("10.0.128.0/17", "10.0.0.0/16", true)]
    [InlineData("10.0.0.0/17", "10.0.128.0/17", false)]
    [InlineData("10.0.0.0/24", "10.0.1.0/24", false)]
    [InlineData("172.16.0.0/12", "172.17.0.0/16", true)]
    public void Overlaps_is_symmetric_and_exact(string a, string b, bool expected)
    {
        var left = Ipv4Cidr.Parse(a);
        var right = Ipv4Cidr.Parse(b);

        Assert.Equal(expected, left.Overlaps(right));
        Assert.Equal(expected, right.Overlaps(left));
    }

    [Fact]
    public void Split_lists_equal_adjacent_subnets_in_order()
    {
        var subnets = Ipv4Cidr.Parse("10.0.0.0/16").Split(18).Select(cidr => cidr.ToString());

        Assert.Equal(["10.0.0.0/18", "10.0.64.0/18", "10.0.128.0/18", "10.0.192.0/18"], subnets);
    }

    [Fact]
    public void Split_of_the_top_of_the_address_space_does_not_overflow()
    {
        var subnets = Ipv4Cidr.Parse("255.255.255.0/24").Split(26);

        Assert.Equal("255.255.255.192/26", subnets[^1].ToString());
        Assert.Equal(0xFFFFFFFFu, subnets[^1].LastAddress);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(33)]
    public void Split_refuses_prefixes_outside_the_network(int prefix)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Cidr.Parse("10.0.0.0/16").Split(prefix));
        Assert.Contains("/16 to /32", error.Message);
    }

    [Fact]
    public void Split_refuses_lists_too_long_to_be_useful()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Ipv4Cidr.Parse("0.0.0.0/0").Split(32));
        Assert.Contains("Subnet(prefix, index)", error.Message);
    }

    [Fact]
    public void Subnet_picks_one_slot_and_checks_the_index()
    {
        var vpc = Ipv4Cidr.Parse("10.0.0.0/16");

        Assert.Equal("10.0.144.0/20", vpc.Subnet(20, 9).ToString());
        Assert.Throws<ArgumentOutOfRangeException>(() => vpc.Subnet(20, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => vpc.Subnet(20, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => vpc.Subnet(8, 0));
    }

    [Theory]
    [InlineData("10.20.0.0/16", true)]
    [InlineData("172.16.0.0/12", true)]
    [InlineData("172.31.0.0/16", true)]
    [InlineData("172.32.0.0/16", false)]
    [InlineData("192.168.10.0/24", true)]
    [InlineData("100.64.0.0/16", false)]
    [InlineData("8.0.0.0/8", false)]
    [InlineData("0.0.0.0/0", false)]
    public void IsPrivate_means_inside_rfc1918(string text, bool expected)
    {
        Assert.Equal(expected, Ipv4Cidr.Parse(text).IsPrivate);
    }

    [Fact]
    public void Sizes_and_ordering()
    {
        var cidr = Ipv4Cidr.Parse("10.0.0.0/28");

        Assert.Equal(16UL, cidr.AddressCount);
        Assert.Equal(1UL << 32, Ipv4Cidr.Parse("0.0.0.0/0").AddressCount);
        Assert.True(Ipv4Cidr.Parse("10.0.0.0/16") < Ipv4Cidr.Parse("10.0.0.0/20"));
        Assert.True(Ipv4Cidr.Parse("10.0.16.0/20") > Ipv4Cidr.Parse("10.0.0.0/20"));
        Assert.Equal(Ipv4Cidr.Parse("10.0.0.0/16"), Ipv4Cidr.Parse("10.0.0.0/16"));
    }
}
