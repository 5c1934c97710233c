using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

/// <summary>Bring your own network and alarm topic: the settings reader's rules, and the checks the component runs once outputs are known.</summary>
public sealed class ExistingNetworkSettingsTests
{
    private const string Vpc = "vpc-0a1b2c3d4e5f67890";
    private const string Public = """["subnet-0a1b2c3d4e5f67890","subnet-0b1c2d3e4f5a67890"]""";
    private const string Private = """["subnet-0c1d2e3f4a5b67890","subnet-0d1e2f3a4b5c67890"]""";

    [Fact]
    public void An_existing_vpc_with_both_subnet_lists_is_read_into_the_spec()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("existingVpcId", Vpc), ("publicSubnetIds", Public), ("privateSubnetIds", Private)));

        var existing = Assert.IsType<ExistingNetworkSpec>(spec.Network.Existing);
        Assert.Equal(Vpc, existing.VpcId);
        Assert.Equal(["subnet-0a1b2c3d4e5f67890", "subnet-0b1c2d3e4f5a67890"], existing.PublicSubnetIds);
        Assert.Equal(["subnet-0c1d2e3f4a5b67890", "subnet-0d1e2f3a4b5c67890"], existing.PrivateSubnetIds);
    }

    [Fact]
    public void Without_existingVpcId_the_stack_creates_its_network()
    {
        Assert.Null(TestConfigs.ReadValid(TestConfigs.Aws()).Network.Existing);
    }

    [Fact]
    public void Every_problem_of_an_existing_network_is_reported_at_once_with_its_key()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev",
            ("existingVpcId", "vpc-xyz"),
            ("privateSubnetIds", """["subnet-0c1d2e3f4a5b67890","subnet-0c1d2e3f4a5b67890"]"""),
            ("vpcCidr", "10.40.0.0/16")));

        var keys = errors.Select(e => e.Key).ToList();
        Assert.Contains(SettingKeys.ExistingVpcId.FullName, keys);
        Assert.Contains(SettingKeys.PublicSubnetIds.FullName, keys);
        Assert.Contains(SettingKeys.VpcCidr.FullName, keys);
        // A duplicate, and therefore fewer than two subnets for RDS.
        Assert.Equal(2, keys.Count(k => k == SettingKeys.PrivateSubnetIds.FullName));
    }

    [Fact]
    public void Subnets_without_a_vpc_and_networks_on_the_local_target_are_refused()
    {
        var orphan = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("privateSubnetIds", Private)));
        Assert.Contains(orphan, e => e.Key == SettingKeys.PrivateSubnetIds.FullName && e.Expected.Contains("existingVpcId", StringComparison.Ordinal));

        var local = TestConfigs.ReadErrors(TestConfigs.Local(("existingVpcId", Vpc)));
        Assert.Contains(local, e => e.Key == SettingKeys.ExistingVpcId.FullName);
    }

    [Fact]
    public void A_subnet_in_both_lists_is_refused()
    {
        var errors = ExistingNetworkRules.CheckIds(DeploymentTarget.AwsEc2, Vpc,
            ["subnet-0a1b2c3d4e5f67890"], ["subnet-0a1b2c3d4e5f67890", "subnet-0d1e2f3a4b5c67890"]);

        Assert.Contains(errors, e => e.Key == SettingKeys.PrivateSubnetIds.FullName && e.Given.Contains("publicSubnetIds", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ecs_load_balancer_needs_two_public_subnets()
    {
        var errors = ExistingNetworkRules.CheckIds(DeploymentTarget.AwsEcs, Vpc, ["subnet-0a1b2c3d4e5f67890"], ["subnet-0c1d2e3f4a5b67890", "subnet-0d1e2f3a4b5c67890"]);
        Assert.Equal(SettingKeys.PublicSubnetIds.FullName, Assert.Single(errors).Key);
        Assert.Empty(ExistingNetworkRules.CheckIds(DeploymentTarget.AwsEc2, Vpc, ["subnet-0a1b2c3d4e5f67890"], ["subnet-0c1d2e3f4a5b67890", "subnet-0d1e2f3a4b5c67890"]));
    }

    [Fact]
    public void Placement_needs_the_vpc_of_existingVpcId_and_two_database_zones()
    {
        SubnetFacts[] publicSubnets = [new("subnet-0a1b2c3d4e5f67890", Vpc, "eu-west-1a")];
        SubnetFacts[] sameZone = [new("subnet-0c1d2e3f4a5b67890", Vpc, "eu-west-1a"), new("subnet-0d1e2f3a4b5c67890", "vpc-0fffffffffffffff0", "eu-west-1a")];

        var errors = ExistingNetworkRules.CheckPlacement(DeploymentTarget.AwsEc2, Vpc, publicSubnets, sameZone);

        Assert.Contains(errors, e => e.Key == SettingKeys.PrivateSubnetIds.FullName && e.Expected.Contains("at least 2 availability zones", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Key == SettingKeys.PrivateSubnetIds.FullName && e.Given.Contains("vpc-0fffffffffffffff0", StringComparison.Ordinal));
        SubnetFacts[] twoZones = [new("subnet-0c1d2e3f4a5b67890", Vpc, "eu-west-1a"), new("subnet-0d1e2f3a4b5c67890", Vpc, "eu-west-1b")];
        Assert.Empty(ExistingNetworkRules.CheckPlacement(DeploymentTarget.AwsEc2, Vpc, publicSubnets, twoZones));
    }

    [Fact]
    public void Deferred_values_count_as_present_without_a_value_and_only_where_outputs_make_sense()
    {
        var config = TestConfigs.Aws("dev");
        var values = new Dictionary<string, ConfigValue>(config.Values)
        {
            [SettingKeys.ExistingVpcId.FullName] = ConfigValue.Deferred(),
            [SettingKeys.PublicSubnetIds.FullName] = ConfigValue.Deferred(),
            [SettingKeys.PrivateSubnetIds.FullName] = ConfigValue.Deferred(),
            [SettingKeys.HostedZoneId.FullName] = ConfigValue.Deferred(),
            [SettingKeys.AlarmTopicArn.FullName] = ConfigValue.Deferred(),
        };
        var spec = TestConfigs.ReadValid(config with { Values = values });

        Assert.Equal(new ExistingNetworkSpec(null, null, null), spec.Network.Existing);
        Assert.NotNull(spec.Dns);
        Assert.Null(spec.Dns.HostedZoneId);
        Assert.True(spec.Monitoring.HasAlarmTopic);

        values[SettingKeys.InstanceName.FullName] = ConfigValue.Deferred();
        var errors = TestConfigs.ReadErrors(config with { Values = values });
        Assert.Equal(SettingKeys.InstanceName.FullName, Assert.Single(errors).Key);
    }

    [Theory]
    [InlineData("arn:aws:sns:eu-west-1:123456789012:oncall", true)]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:oncall", false)]
    [InlineData("oncall", false)]
    public void Alarm_topic_is_an_sns_arn(string arn, bool valid)
    {
        var result = SettingsReader.Read(TestConfigs.Aws("dev", ("alarmTopicArn", arn)));
        Assert.Equal(valid, result.IsValid);
        if (valid)
        {
            Assert.Equal(arn, result.Spec!.Monitoring.AlarmTopicArn);
        }
        else
        {
            Assert.Equal(SettingKeys.AlarmTopicArn.FullName, Assert.Single(result.Errors).Key);
        }
    }
}
