using System.Reflection;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Component;

/// <summary>The typed args: one input per stack setting, one validation path, and nothing registered when they are wrong.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class TypedArgsTests
{
    [Fact]
    public void Every_stack_setting_is_an_input_of_the_same_name_and_shape()
    {
        var inputs = typeof(ConvexDeploymentArgs).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Name: ConvexDeploymentSettings.InputName(p)))
            .Where(p => p.Name is not null)
            .ToDictionary(p => ConvexDeploymentSettings.KeyFor(p.Name!), p => p.Property.PropertyType);

        Assert.Equal(SettingKeys.All.OrderBy(k => k.FullName), inputs.Keys.OrderBy(k => k.FullName));
        foreach (var (key, type) in inputs)
        {
            var shape = type == typeof(List<string>) || type == typeof(InputList<string>) ? SettingShape.List
                : type == typeof(Dictionary<string, string>) || type == typeof(InputMap<string>) ? SettingShape.Map
                : SettingShape.Scalar;
            Assert.True(shape == key.Shape, $"{key.FullName} is a {key.Shape} setting but its input is {type.Name}");
        }

        // Inputs take outputs of other resources where that makes sense: the deferrable keys, the secrets (outputs of
        // secret config), and every list and map (as generated SDKs accept outputs there; awaited before the settings are read).
        var outputCapable = inputs.Where(p => p.Value.IsGenericType && p.Value.Name.StartsWith("Input", StringComparison.Ordinal)).Select(p => p.Key).ToHashSet();
        var expected = SettingKeys.DeferrableKeys.Concat(SettingKeys.SecretKeys)
            .Concat(SettingKeys.All.Where(k => k.Shape is SettingShape.List or SettingShape.Map)).Distinct();
        Assert.Equal(expected.OrderBy(k => k.FullName), outputCapable.OrderBy(k => k.FullName));
    }

    [Theory]
    [MemberData(nameof(GraphStacks))]
    public void Stack_files_round_trip_through_the_typed_args_to_the_same_spec(string stack)
    {
        var config = StackFiles.Load(stack);
        var args = ConvexDeploymentSettings.FromStackConfig(config);
        var again = ConvexDeploymentSettings.ToStackConfig(args, config.ProjectName, config.StackName);

        var before = SettingsReader.Read(config).Spec!;
        var after = SettingsReader.Read(again);
        Assert.True(after.IsValid, after.ErrorReport);
        Assert.Equal(Describe(before), Describe(after.Spec!));
    }

    [Fact]
    public async Task Invalid_args_fail_with_every_key_named_and_register_nothing()
    {
        var args = ComponentRun.ArgsOf("dev");
        args.InstanceName = "Bad_Name";
        args.ImageRevision = "latest";
        args.RootVolumeGb = 2;
        args.ExistingVpcId = "vpc-bad";
        args.HostedZoneId = "not-a-zone";
        args.PrivateSubnetIds = new List<string> { "subnet-0c1d2e3f4a5b67890" };
        var mocks = ComponentRun.NewMocks();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentRun.UpAsync("dev", args, mocks));

        string[] keys = ["instanceName", "imageRevision", "rootVolumeGb", "existingVpcId", "hostedZoneId", "publicSubnetIds", "privateSubnetIds"];
        Assert.All(keys, key => Assert.Contains($"convex-infra:{key}:", error.Message, StringComparison.Ordinal));
        Assert.Contains("ConvexDeployment 'convex' has invalid args; nothing was created", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Resources);
        Assert.Empty(mocks.Calls);
    }

    [Fact]
    public async Task An_invalid_hosted_zone_that_arrives_as_an_output_fails_with_its_key_and_no_records()
    {
        var args = ComponentRun.ArgsOf("staging");
        args.HostedZoneId = ComponentRun.Later("hostedzone/Z0123");
        var mocks = ComponentRun.NewMocks();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ComponentRun.UpAsync("staging", args, mocks));

        Assert.Contains(SettingKeys.HostedZoneId.FullName, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(mocks.Resources, r => r.Type == "aws:route53/record:Record");
    }

    [Fact]
    public async Task A_hosted_zone_and_an_alarm_topic_from_other_resources_reach_the_records_and_alarms()
    {
        const string Topic = "arn:aws:sns:eu-west-1:123456789012:oncall";
        var args = ComponentRun.ArgsOf("staging");
        args.HostedZoneId = ComponentRun.Later("ZOTHERSTACK0123456789");
        args.AlarmTopicArn = ComponentRun.Later(Topic);

        var run = await ComponentRun.UpAsync("staging", args);

        var records = run.OfType("aws:route53/record:Record").ToList();
        Assert.NotEmpty(records);
        Assert.All(records, r => Assert.Equal("ZOTHERSTACK0123456789", r.Text("zoneId")));
        var regional = run.OfType("aws:cloudwatch/metricAlarm:MetricAlarm").Where(a => a.Text("region") is null).ToList();
        Assert.NotEmpty(regional);
        Assert.All(regional, a => Assert.Contains(Topic, a.List("alarmActions").Cast<string>()));
    }

    public static TheoryData<string> GraphStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.StackNames())
        {
            data.Add(stack);
        }

        return data;
    }

    /// <summary>The spec as comparable text (records with lists compare by reference otherwise).</summary>
    private static string Describe(DeploymentSpec spec) => System.Text.Json.JsonSerializer.Serialize(spec);
}
