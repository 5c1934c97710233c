using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

public class ValueRulesTests
{
    [Theory]
    [InlineData("10.0.0.0/16", true)]
    [InlineData("172.31.255.0/24", true)]
    [InlineData("192.168.0.0/16", true)]
    [InlineData("172.32.0.0/16", false)]
    [InlineData("11.0.0.0/16", false)]
    [InlineData("0.0.0.0/0", false)]
    public void Private_ranges_are_rfc1918(string cidr, bool isPrivate)
    {
        Assert.Equal(isPrivate, Ipv4Cidr.Parse(cidr).IsPrivate);
    }

    [Theory]
    [InlineData("010.0.0.0/8")]
    [InlineData("256.0.0.0/8")]
    [InlineData("10.0.0.0/-1")]
    [InlineData("10.0.0.0/ 8")]
    [InlineData("a.b.c.d/8")]
    public void Malformed_cidrs_are_rejected(string text)
    {
        Assert.False(Ipv4Cidr.TryParse(text, out _, out var problem));
        Assert.NotEmpty(problem);
    }

    [Fact]
    public void Host_bits_suggest_the_network_and_the_single_address()
    {
        Assert.False(Ipv4Cidr.TryParse("192.168.1.77/20", out _, out var problem));
        Assert.Contains("did you mean 192.168.0.0/20?", problem, StringComparison.Ordinal);
        Assert.Contains("192.168.1.77/32", problem, StringComparison.Ordinal);
        Assert.Equal("192.168.1.77/32", Ipv4Cidr.Parse("192.168.1.77/32").ToString());
    }

    [Theory]
    [InlineData(256, 512, true)]
    [InlineData(256, 3072, false)]
    [InlineData(512, 4096, true)]
    [InlineData(1024, 8192, true)]
    [InlineData(1024, 9216, false)]
    [InlineData(2048, 16384, true)]
    [InlineData(4096, 30720, true)]
    [InlineData(8192, 20480, true)]
    [InlineData(8192, 17408, false)]
    [InlineData(16384, 122880, true)]
    [InlineData(16384, 36864, false)]
    [InlineData(3000, 4096, false)]
    public void Fargate_combinations_follow_the_ecs_table(int cpu, int memory, bool valid)
    {
        Assert.Equal(valid, FargateSizes.IsValid(cpu, memory));
    }

    [Theory]
    [InlineData("t4g.small", true)]
    [InlineData("m7g.large", true)]
    [InlineData("c6gn.2xlarge", true)]
    [InlineData("r8gd.metal", true)]
    [InlineData("x2gd.xlarge", true)]
    [InlineData("a1.medium", true)]
    [InlineData("t3.medium", false)]
    [InlineData("m7i.large", false)]
    [InlineData("g4dn.xlarge", false)]
    [InlineData("m7a.large", false)]
    [InlineData("t4g", false)]
    public void Only_graviton_instance_types_pass(string type, bool valid)
    {
        Assert.Equal(valid, ValueRules.GravitonInstanceType(type) is null);
    }

    [Theory]
    [InlineData("rate(1 day)", true)]
    [InlineData("rate(12 hours)", true)]
    [InlineData("rate(1 days)", false)]
    [InlineData("rate(5 hour)", false)]
    [InlineData("rate(0 days)", false)]
    [InlineData("cron(0 3 * * ? *)", true)]
    [InlineData("cron(15 2 ? * MON-FRI *)", true)]
    [InlineData("cron(0 3 * * * *)", false)]
    [InlineData("0 3 * * *", false)]
    public void Schedule_expressions_follow_eventbridge(string expression, bool valid)
    {
        Assert.Equal(valid, ScheduleExpression.Problem(expression) is null);
    }

    [Theory]
    [InlineData("acme-prod", true)]
    [InlineData("a", true)]
    [InlineData("convex-self-hosted", true)]
    [InlineData("acme-prod-2", true)]
    [InlineData("-acme", false)]
    [InlineData("acme prod", false)]
    [InlineData("acme:prod", false)]
    public void Instance_names(string name, bool valid)
    {
        Assert.Equal(valid, ValueRules.InstanceName(name) is null);
        Assert.Null(ValueRules.InstanceName(new string('a', 63)));
    }

    [Fact]
    public void Log_retention_hint_is_the_nearest_allowed_value()
    {
        Assert.Equal(7, CloudWatchRetention.Nearest(10));
        Assert.Equal(365, CloudWatchRetention.Nearest(366));
        Assert.True(CloudWatchRetention.IsAllowed(0));
    }
}
