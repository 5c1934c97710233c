using ConvexInfra.Core.Aws;

namespace ConvexInfra.Core.Tests.Aws;

public class DnsPlanTests
{
    [Fact]
    public void Host_gets_three_A_records_to_its_address()
    {
        var records = DnsPlan.ForHost(AwsTestSpecs.ProdEc2(), "203.0.113.10");

        Assert.Equal(
            [
                new DnsRecord("api.convex.example.com", "A", "203.0.113.10"),
                new DnsRecord("site.convex.example.com", "A", "203.0.113.10"),
                new DnsRecord("dashboard.convex.example.com", "A", "203.0.113.10"),
            ],
            records);
        Assert.Equal("api.convex.example.com A 203.0.113.10", records[0].ToString());
    }

    [Fact]
    public void Load_balancer_gets_three_CNAMEs_normalized()
    {
        var records = DnsPlan.ForLoadBalancer(AwsTestSpecs.ProdEcs(ConvexInfra.Core.Spec.EcsSubnetPlacement.Public), "Convex-Prod-1234.us-east-1.elb.amazonaws.com.");

        Assert.Equal(["api.convex.example.com", "site.convex.example.com", "dashboard.convex.example.com"], records.Select(r => r.Name));
        Assert.All(records, record => Assert.Equal("CNAME", record.Type));
        Assert.All(records, record => Assert.Equal("convex-prod-1234.us-east-1.elb.amazonaws.com", record.Value));
    }

    [Fact]
    public void Hostnames_are_lowercased_without_trailing_dot()
    {
        var spec = AwsTestSpecs.DevEc2() with
        {
            Endpoints = AwsTestSpecs.DevEc2().Endpoints with { ApiHostname = "API.Example.com." },
        };

        Assert.Equal("api.example.com", DnsPlan.ForHost(spec, "198.51.100.7")[0].Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-an-ip")]
    [InlineData("2001:db8::1")]
    [InlineData("203.0.113")]
    [InlineData("203.0.113.010")]
    public void A_records_need_a_dotted_IPv4_address(string ip)
    {
        var error = Assert.Throws<ArgumentException>(() => DnsPlan.ForHost(AwsTestSpecs.DevEc2(), ip));

        Assert.Contains($"publicIp: got '{ip}'", error.Message);
        Assert.Contains("Example: 203.0.113.10", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://alb.example.com")]
    [InlineData("localhost")]
    [InlineData("bad_name.elb.amazonaws.com")]
    public void CNAMEs_need_a_DNS_name(string target)
    {
        var error = Assert.Throws<ArgumentException>(() => DnsPlan.ForLoadBalancer(AwsTestSpecs.DevEc2(), target));

        Assert.Contains("albDnsName", error.Message);
        Assert.Contains("elb.amazonaws.com", error.Message);
    }

    [Fact]
    public void The_local_target_has_no_DNS_records()
    {
        var error = Assert.Throws<ArgumentException>(() => DnsPlan.ForHost(AwsTestSpecs.Local(), "203.0.113.10"));

        Assert.Contains("'local'", error.Message);
        Assert.Contains("aws-ec2 and aws-ecs", error.Message);
    }

    [Fact]
    public void Duplicate_hostnames_are_refused()
    {
        var spec = AwsTestSpecs.DevEc2() with
        {
            Endpoints = AwsTestSpecs.DevEc2().Endpoints with { SiteHostname = "API.dev.convex.example.com" },
        };

        var error = Assert.Throws<ArgumentException>(() => DnsPlan.ForHost(spec, "203.0.113.10"));
        Assert.Contains("must be distinct", error.Message);
    }

    [Fact]
    public void Malformed_hostnames_are_refused()
    {
        var spec = AwsTestSpecs.DevEc2() with
        {
            Endpoints = AwsTestSpecs.DevEc2().Endpoints with { DashboardHostname = "dash board.example.com" },
        };

        var error = Assert.Throws<ArgumentException>(() => DnsPlan.ForHost(spec, "203.0.113.10"));
        Assert.Contains("'dash board.example.com'", error.Message);
    }
}
