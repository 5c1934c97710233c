using System.Text.Json.Nodes;
using ConvexInfra.Components.Aws;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Provider;
using Google.Protobuf.WellKnownTypes;

namespace ConvexInfra.Components.Tests.Provider.Protocol;

/// <summary>
/// The component provider driven over real gRPC the way the engine drives it: the provider process started as the
/// .NET language host starts it, a test engine (resource monitor and engine services) that records every
/// registration, invoke and output, and GetSchema and Construct (preview and update) requests as the engine sends
/// them. Each repo stack's settings go through it with deploymentEnv, secret deployment variables and convexAuth,
/// with an explicit AWS provider in a region other than the stack's aws:region.
/// </summary>
[Collection(DotnetCli.Collection)]
[Trait("Category", "Tools")]
public sealed class ProviderProtocolTests
{
    private const string EngineRegion = "eu-west-1";

    public static TheoryData<string> Stacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.StackNames())
        {
            data.Add(stack);
        }

        return data;
    }

    [Fact]
    public async Task GetSchema_serves_the_reviewed_schema_with_a_namespace_and_secret_deployment_variables()
    {
        var state = new EngineState(ProtocolRun.Project, "dev", dryRun: false, EngineRegion, new AwsMocks(EngineRegion));
        await using var engine = await TestEngine.StartAsync(state);
        await using var provider = await ProviderProcess.StartAsync(engine.Address);

        var response = await provider.CallAsync("GetSchema", _ => { });
        var text = response.Get<string>("schema");

        Assert.Equal(File.ReadAllText(SchemaTests.SnapshotPath), text);
        var schema = JsonNode.Parse(text)!;
        Assert.Equal(ConvexInfraSchema.Namespace, (string?)schema["namespace"]);
        Assert.False(string.IsNullOrEmpty((string?)schema["namespace"]));
        var inputs = schema["resources"]![ConvexInfraSchema.ResourceToken]!["inputProperties"]!;
        Assert.True((bool?)inputs["deploymentEnvSecrets"]!["secret"]);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_stack_constructs_with_deployment_env_and_convex_auth_through_an_explicit_provider_in_another_region(string stack)
    {
        var stackRegion = StackFiles.Load(stack).Find("aws:region")?.Raw ?? EngineRegion;
        Assert.NotEqual(ProtocolRun.ProviderRegion, stackRegion);
        var inputs = WithDeploymentEnv(ProtocolRun.StackInputs(stack));
        var isAws = inputs.Fields["target"].StringValue != "local";
        if (isAws)
        {
            // The provider decides the region; `region` names the same one.
            inputs.Fields["region"] = Value.ForString(ProtocolRun.ProviderRegion);
        }

        var west = ProtocolRun.ProviderReference(stack, "west");
        var run = await ProtocolRun.ConstructAsync(stack, inputs, dryRun: false, defaultRegion: stackRegion, mocksRegion: ProtocolRun.ProviderRegion,
            providers: new Dictionary<string, string> { ["aws"] = west });

        Assert.True(run.Error is null, $"Construct failed: {run.Error?.Status.Detail}\n{run.ProviderStderr}");
        Assert.True(run.AcceptsSecrets && run.SupportsPreview, "Configure: the provider must take secrets and support previews");
        var outputs = run.State!.Fields;
        Assert.True(WireValues.IsSecret(outputs[StackOutputNames.AdminKey]), outputs[StackOutputNames.AdminKey].ToString());
        Assert.False(WireValues.IsSecret(outputs[StackOutputNames.ApiUrl]));

        // The deployment-env step: registered, run with the CLI bundled next to the provider (no convex-infra on the
        // provider's PATH), with the map and the admin key secret.
        var command = Assert.Single(run.Custom, r => r.Type == "command:local:Command" && r.Name == "convex-deployment-env");
        var line = command.Inputs.Fields["create"].StringValue;
        Assert.StartsWith("dotnet '", line, StringComparison.Ordinal);
        var dll = line["dotnet '".Length..line.IndexOf('\'', "dotnet '".Length)];
        Assert.True(File.Exists(dll), $"{dll} (the bundled CLI) does not exist");
        Assert.False(File.Exists(Path.Combine(ProviderProcess.DotnetOnlyPath, "convex-infra")));
        Assert.True(WireValues.IsSecret(command.Inputs.Fields["stdin"]));
        Assert.Single(run.Engine.Registrations, r => r.Type == "tls:index/privateKey:PrivateKey");

        // The secret deployment variable never appears outside a secret, in any registration or output.
        var plain = run.Engine.Registrations.SelectMany(r => WireValues.PlainStrings(Value.ForStruct(r.Inputs)))
            .Concat(run.Engine.RegisteredOutputs.SelectMany(o => WireValues.PlainStrings(Value.ForStruct(o.Outputs))))
            .Concat(WireValues.PlainStrings(Value.ForStruct(run.State!)));
        Assert.DoesNotContain(plain, text => text.Contains(ProtocolRun.SecretValue, StringComparison.Ordinal));

        if (isAws)
        {
            Assert.Equal(ProtocolRun.ProviderRegion, outputs[StackOutputNames.Region].StringValue);

            // Every lookup and every AWS resource went to the caller's provider, none to the default one.
            Assert.NotEmpty(run.Engine.Invokes);
            Assert.All(run.Engine.Invokes, invoke => Assert.True(invoke.Provider == west, $"{invoke.Token} went to '{invoke.Provider}'"));
            foreach (var token in new[] { "getRegion", "getCallerIdentity", "getPartition", "getAvailabilityZones" })
            {
                Assert.Contains(run.Engine.Invokes, i => i.Token.EndsWith(token, StringComparison.Ordinal));
            }

            Assert.Contains(run.Engine.Invokes, i => i.Token == "aws:ssm/getParameter:getParameter" && i.Args.Fields["name"].StringValue.EndsWith("/revision-history", StringComparison.Ordinal));
            Assert.NotEmpty(run.Aws);
            Assert.All(run.Aws, r => Assert.True(r.Provider == west, $"{r.Type} {r.Name} uses '{r.Provider}'"));
            Assert.DoesNotContain(run.Engine.Registrations, r => r.Type == "pulumi:providers:aws");
            Assert.All(run.Engine.Registrations.Where(r => r.Type == "aws:ec2/subnet:Subnet"),
                subnet => Assert.StartsWith(ProtocolRun.ProviderRegion, subnet.Inputs.Fields["availabilityZone"].StringValue, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Preview_accepts_unknown_outputs_of_other_resources_and_secret_inputs()
    {
        var inputs = WithDeploymentEnv(ProtocolRun.StackInputs("dev"));
        inputs.Fields.Remove("vpcCidr");
        inputs.Fields.Remove("availabilityZones");
        foreach (var name in new[] { "existingVpcId", "publicSubnetIds", "privateSubnetIds", "hostedZoneId", "alarmTopicArn", "deploymentEnvSecrets" })
        {
            inputs.Fields[name] = WireValues.UnknownValue();
        }

        var run = await ProtocolRun.ConstructAsync("dev", inputs, dryRun: true, defaultRegion: EngineRegion, mocksRegion: EngineRegion);

        Assert.True(run.Error is null, $"Construct (preview) failed: {run.Error?.Status.Detail}\n{run.ProviderStderr}");
        Assert.Contains(run.Custom, r => r.Type == "aws:ec2/instance:Instance");
        Assert.Contains(run.Custom, r => r.Type == "command:local:Command");
        Assert.DoesNotContain(run.Engine.Invokes, i => i.Token == "aws:ec2/getSubnet:getSubnet");
        Assert.DoesNotContain(run.Custom, r => r.Type == "aws:ec2/vpc:Vpc");
        Assert.All(run.Custom, r => Assert.Equal("", r.Id));
    }

    [Fact]
    public async Task Preview_with_unknown_tags_succeeds_and_every_aws_resource_shows_its_tags_unknown()
    {
        var inputs = ProtocolRun.StackInputs("dev");
        inputs.Fields["tags"] = WireValues.UnknownValue();

        var run = await PreviewAsync(inputs, "tags");

        var tagged = run.Aws.Where(r => r.Inputs.Fields.ContainsKey("tags")).ToList();
        Assert.NotEmpty(tagged);
        Assert.All(tagged, r => Assert.True(IsUnknown(r.Inputs.Fields["tags"]), $"{r.Type} {r.Name}: tags {r.Inputs.Fields["tags"]}"));
        Assert.Contains(run.Custom, r => r.Type == "aws:ec2/instance:Instance");
    }

    [Fact]
    public async Task Preview_with_an_unknown_cidr_list_succeeds_and_shows_the_ingress_rules_and_caddyfile_unknown()
    {
        var inputs = ProtocolRun.StackInputs("dev");
        inputs.Fields["httpAllowedCidrs"] = WireValues.UnknownValue();

        var run = await PreviewAsync(inputs, "httpAllowedCidrs");

        // Rules from a CIDR (not those from another security group, which have none).
        var rules = run.Aws.Where(r => r.Type == "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.Inputs.Fields.ContainsKey("cidrIpv4")).ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(IsUnknown(r.Inputs.Fields["cidrIpv4"]), $"{r.Name}: cidrIpv4 {r.Inputs.Fields["cidrIpv4"]}"));
        var host = run.Single("aws:ec2/instance:Instance");
        Assert.True(IsUnknown(host.Inputs.Fields["userData"]), "the host's user data (its Caddyfile allowlist) must be unknown");
    }

    [Fact]
    public async Task Preview_on_ecs_with_an_unknown_dashboard_allowlist_shows_the_alb_rule_conditions_unknown()
    {
        var inputs = ProtocolRun.StackInputs("ecs");
        inputs.Fields["dashboardAllowedCidrs"] = WireValues.UnknownValue();

        var run = await PreviewAsync(inputs, "dashboardAllowedCidrs", "ecs");

        var rules = run.Aws.Where(r => r.Type == "aws:lb/listenerRule:ListenerRule").ToList();
        Assert.NotEmpty(rules);
        Assert.All(rules, r => Assert.True(IsUnknown(r.Inputs.Fields["conditions"]), $"{r.Name}: conditions {r.Inputs.Fields["conditions"]}"));
    }

    [Fact]
    public async Task Preview_with_unknown_deployment_env_succeeds_and_shows_the_deployment_env_step_unknown()
    {
        var inputs = ProtocolRun.StackInputs("dev");
        inputs.Fields["deploymentEnv"] = WireValues.UnknownValue();

        var run = await PreviewAsync(inputs, "deploymentEnv");

        var command = Assert.Single(run.Custom, r => r.Type == "command:local:Command" && r.Name == "convex-deployment-env");
        Assert.True(IsUnknown(command.Inputs.Fields["stdin"]), $"stdin {command.Inputs.Fields["stdin"]}");
        Assert.True(IsUnknown(command.Inputs.Fields["triggers"]), $"triggers {command.Inputs.Fields["triggers"]}");
    }

    /// <summary>A preview of the stack that must succeed and warn that <paramref name="key"/> was unknown.</summary>
    private static async Task<ProtocolRun> PreviewAsync(Struct inputs, string key, string stack = "dev")
    {
        var run = await ProtocolRun.ConstructAsync(stack, inputs, dryRun: true, defaultRegion: EngineRegion, mocksRegion: EngineRegion);
        Assert.True(run.Error is null, $"Construct (preview) failed: {run.Error?.Status.Detail}\n{run.ProviderStderr}");
        Assert.Contains(run.Engine.Logs, log => log.Contains($"{key} unknown in this preview", StringComparison.Ordinal));
        return run;
    }

    /// <summary>Unknown on the wire, directly, inside a secret, or as any element of a list.</summary>
    private static bool IsUnknown(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue == WireValues.Unknown,
        Value.KindOneofCase.StructValue => value.StructValue.Fields.TryGetValue(WireValues.SigKey, out var sig) && sig.StringValue == WireValues.SecretSig
            && IsUnknown(value.StructValue.Fields["value"]),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Count > 0 && value.ListValue.Values.All(IsUnknown),
        _ => false,
    };

    [Fact]
    public async Task A_region_other_than_the_stacks_gets_its_own_provider_and_every_lookup_goes_through_it()
    {
        var inputs = ProtocolRun.StackInputs("ecs");
        inputs.Fields["region"] = Value.ForString(ProtocolRun.ProviderRegion);

        var run = await ProtocolRun.ConstructAsync("ecs", inputs, dryRun: false, defaultRegion: EngineRegion, mocksRegion: ProtocolRun.ProviderRegion);

        Assert.True(run.Error is null, $"Construct failed: {run.Error?.Status.Detail}\n{run.ProviderStderr}");
        var provider = run.Single("pulumi:providers:aws");
        Assert.Equal(ProtocolRun.ProviderRegion, provider.Inputs.Fields["region"].StringValue);
        var reference = $"{provider.Urn}::{provider.Id}";
        Assert.All(run.Engine.Invokes, invoke => Assert.True(invoke.Provider == reference, $"{invoke.Token} went to '{invoke.Provider}'"));
        Assert.All(run.Aws, r => Assert.True(r.Provider == reference, $"{r.Type} {r.Name} uses '{r.Provider}'"));
        Assert.Equal(ProtocolRun.ProviderRegion, run.State!.Fields[StackOutputNames.Region].StringValue);
    }

    [Fact]
    public async Task Construct_completes_on_a_one_thread_pool_and_every_lookup_goes_to_the_callers_provider()
    {
        // The issue's symptom: waiting for the lookups inside a constructor hung when the thread pool was small. The
        // provider runs here with one worker thread (the runtime's PortableThreadPool reads
        // DOTNET_ThreadPool_ForceMinWorkerThreads/ForceMaxWorkerThreads), so any thread blocked on the lookups would
        // leave none to finish them and the call would hit its deadline.
        var pool = new Dictionary<string, string>
        {
            ["DOTNET_ThreadPool_ForceMinWorkerThreads"] = "1",
            ["DOTNET_ThreadPool_ForceMaxWorkerThreads"] = "1",
        };
        var inputs = ProtocolRun.StackInputs("dev");
        inputs.Fields["region"] = Value.ForString(ProtocolRun.ProviderRegion);
        var west = ProtocolRun.ProviderReference("dev", "west");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var run = await ProtocolRun.ConstructAsync("dev", inputs, dryRun: false, defaultRegion: EngineRegion, mocksRegion: ProtocolRun.ProviderRegion,
            providers: new Dictionary<string, string> { ["aws"] = west }, environment: pool);

        Assert.True(run.Error is null, $"Construct failed after {clock.Elapsed}: {run.Error?.Status.Detail}\n{run.ProviderStderr}");
        Assert.Contains(run.Custom, r => r.Type == "aws:ec2/instance:Instance");
        foreach (var token in new[] { "getRegion", "getCallerIdentity", "getPartition", "getAvailabilityZones" })
        {
            Assert.Contains(run.Engine.Invokes, i => i.Token.EndsWith(token, StringComparison.Ordinal));
        }

        Assert.Contains(run.Engine.Invokes, i => i.Token == "aws:ssm/getParameter:getParameter" && i.Args.Fields["name"].StringValue.EndsWith("/revision-history", StringComparison.Ordinal));
        Assert.Contains(run.Engine.Invokes, i => i.Token == "aws:ssm/getParameter:getParameter" && i.Args.Fields["name"].StringValue == Ec2Host.AmiParameter);
        Assert.All(run.Engine.Invokes, invoke => Assert.True(invoke.Provider == west, $"{invoke.Token} went to '{invoke.Provider}'"));
        Assert.All(run.Aws, r => Assert.True(r.Provider == west, $"{r.Type} {r.Name} uses '{r.Provider}'"));
    }

    [Fact]
    public async Task A_region_that_contradicts_the_explicit_provider_is_refused_before_anything_is_registered()
    {
        var inputs = ProtocolRun.StackInputs("dev");
        var west = ProtocolRun.ProviderReference("dev", "west");

        var run = await ProtocolRun.ConstructAsync("dev", inputs, dryRun: false, defaultRegion: EngineRegion, mocksRegion: EngineRegion,
            providers: new Dictionary<string, string> { ["aws"] = west });

        Assert.NotNull(run.Error);
        Assert.Contains($"region: got '{EngineRegion}', but the AWS provider passed in deploys to '{ProtocolRun.ProviderRegion}'", run.Error.Status.Detail, StringComparison.Ordinal);
        Assert.Empty(run.Engine.Registrations);
    }

    [Fact]
    public async Task Every_input_no_stack_sets_reaches_the_settings_reader_over_the_wire()
    {
        // The repo stacks leave these at their tier defaults, so the constructs above never send them. Sent with a
        // wrong value each, they must all come back in the one error report, each named: each crossed the wire,
        // was deserialized into ConvexDeploymentArgs and was read. (The six booleans no stack sets have no wrong
        // value and are not sent here.)
        var inputs = ProtocolRun.StackInputs("dev");
        var wrong = new Dictionary<string, Value>
        {
            ["adminKeyVersion"] = Value.ForNumber(-1),
            ["convexAuthKeyVersion"] = Value.ForNumber(-1),
            ["instanceSecretVersion"] = Value.ForNumber(-1),
            ["backendHealthTimeoutMinutes"] = Value.ForNumber(0),
            ["hostReportTimeoutMinutes"] = Value.ForNumber(0),
            ["exportTimeoutMinutes"] = Value.ForNumber(0),
            ["exportLockDays"] = Value.ForNumber(0),
            ["documentRetentionDelaySeconds"] = Value.ForNumber(-5),
            ["rootVolumeGb"] = Value.ForNumber(1),
            ["apiHostname"] = Value.ForString("not a host"),
            ["dashboardHostname"] = Value.ForString("not a host"),
            ["siteHostname"] = Value.ForString("not a host"),
            ["dbEngineVersion"] = Value.ForString("x"),
            ["dbInstanceClass"] = Value.ForString("m5.large"),
            ["exportLockMode"] = Value.ForString("sometimes"),
            ["exportSchedule"] = Value.ForString("whenever"),
            ["instanceType"] = Value.ForString("t3.micro"),
            ["localBackupBucket"] = Value.ForStruct(new Struct { Fields = { ["endpoint"] = Value.ForString("ftp://x"), ["bucket"] = Value.ForString("b-1") } }),
        };
        foreach (var (name, value) in wrong)
        {
            inputs.Fields[name] = value;
        }

        var run = await ProtocolRun.ConstructAsync("dev", inputs, dryRun: false, defaultRegion: EngineRegion, mocksRegion: EngineRegion);

        Assert.NotNull(run.Error);
        Assert.Empty(run.Engine.Registrations);
        var missing = wrong.Keys.Where(name => !run.Error.Status.Detail.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"not named in the error report: {string.Join(", ", missing)}\n{run.Error.Status.Detail}");
    }

    /// <summary>deploymentEnv, a secret deploymentEnvSecrets (as generated SDKs send a secret input) and Convex Auth on.</summary>
    private static Struct WithDeploymentEnv(Struct inputs)
    {
        inputs.Fields["deploymentEnv"] = WireValues.ToValue(new Dictionary<string, object> { ["APP_MODE"] = "production" });
        inputs.Fields["deploymentEnvSecrets"] = WireValues.Secret(WireValues.ToValue(new Dictionary<string, object> { ["STRIPE_KEY"] = ProtocolRun.SecretValue }));
        inputs.Fields["deploymentEnvPrune"] = Value.ForBool(true);
        inputs.Fields["convexAuth"] = Value.ForBool(true);
        inputs.Fields["convexAuthSiteUrl"] = Value.ForString("https://app.example.com");
        return inputs;
    }
}
