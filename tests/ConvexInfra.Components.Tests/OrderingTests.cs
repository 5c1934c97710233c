using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>
/// What waits for what, shown the way the engine would: a <see cref="MockGate"/> holds one kind of resource, and
/// whatever depends on it (through an input or <c>DependsOn</c>) is not even requested until the gate opens. Each
/// test also checks that something independent IS requested while the gate holds, so a gate that blocked the whole
/// program could not make a test pass.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class OrderingTests
{
    private const string Service = "aws:ecs/service:Service";
    private const string ListenerRule = "aws:lb/listenerRule:ListenerRule";
    private const string CertificateValidation = "aws:acm/certificateValidation:CertificateValidation";
    private const string Parameter = "aws:ssm/parameter:Parameter";
    private const string Database = "aws:rds/instance:Instance";
    private const string Host = "aws:ec2/instance:Instance";
    private const string Command = "command:local:Command";
    private const string Bucket = "aws:s3/bucket:Bucket";

    public static TheoryData<string> EcsStacks() => StackFiles.EcsStacks();

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    public static TheoryData<string> AwsStacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")))
        {
            data.Add(stack);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EcsStacks))]
    public async Task Ecs_service_waits_for_the_listener_rules_that_attach_its_target_groups(string stack) =>
        await AssertWaitsAsync(
            StackFiles.Load(stack),
            MockGate.ForType(ListenerRule),
            dependent: r => r.Type == Service,
            dependentName: "the ECS service",
            independent: r => r.Type == Database,
            independentName: "the database");

    [Theory]
    [MemberData(nameof(EcsStacks))]
    public async Task Ecs_service_waits_for_the_certificate_validation(string stack) =>
        await AssertWaitsAsync(
            StackFiles.Load(stack),
            MockGate.ForType(CertificateValidation),
            dependent: r => r.Type == Service,
            dependentName: "the ECS service",
            independent: r => r.Type == Database,
            independentName: "the database");

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task Ec2_release_parameter_waits_for_the_secret_parameters(string stack) =>
        await AssertWaitsAsync(
            StackFiles.Load(stack),
            new MockGate(r => IsSecretParameter(r, "/instance-secret") || IsSecretParameter(r, "/postgres-url")),
            dependent: IsReleaseParameter,
            dependentName: "the release parameter",
            independent: r => r.Type == Host,
            independentName: "the EC2 instance");

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Deployment_env_command_waits_for_the_backend(string stack)
    {
        var config = StackFiles.With(StackFiles.Load(stack), $"{SettingKeys.Namespace}:deploymentEnv", """{"APP_MODE":"ordering-test"}""");
        var backend = ConvexProgram.ReadSpec(config).Target == DeploymentTarget.AwsEcs ? Service : Host;
        await AssertWaitsAsync(
            config,
            MockGate.ForType(backend),
            dependent: r => r.Type == Command && r.Name!.EndsWith("-deployment-env", StringComparison.Ordinal),
            dependentName: "the deployment-env command",
            independent: r => r.Type == Database,
            independentName: "the database");
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Postgres_url_parameter_waits_for_the_database(string stack) =>
        await AssertWaitsAsync(
            StackFiles.Load(stack),
            MockGate.ForType(Database),
            dependent: r => IsSecretParameter(r, "/postgres-url"),
            dependentName: "the POSTGRES_URL parameter",
            independent: r => IsSecretParameter(r, "/instance-secret"),
            independentName: "the instance secret parameter");

    /// <summary>The control: a gate holds only what its predicate names; everything independent goes on.</summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_gate_holds_only_the_resources_that_wait_for_the_held_one(string stack)
    {
        var gate = MockGate.ForType(Database);
        var program = StackRun.RunAsync(StackFiles.Load(stack), gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            var requested = gate.Requested;
            Assert.Contains(requested, r => r.Type == Bucket);
            Assert.Contains(requested, r => IsSecretParameter(r, "/instance-secret"));
            Assert.DoesNotContain(requested, r => IsSecretParameter(r, "/postgres-url"));
            Assert.False(program.IsCompleted, "the program finished while the database was held");
        }
        finally
        {
            gate.Release();
        }

        await program;
    }

    /// <summary>The SecureString parameter whose name ends with <paramref name="suffix"/> (the host's two secrets, or the admin key).</summary>
    private static bool IsSecretParameter(MockResourceArgs r, string suffix) =>
        r.Type == Parameter && r.Text("type") == "SecureString" && r.Text("name")?.EndsWith(suffix, StringComparison.Ordinal) == true;

    private static bool IsReleaseParameter(MockResourceArgs r) =>
        r.Type == Parameter && r.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true;

    /// <summary>
    /// Runs the program with the gate, checks that the dependent is not requested while the gate holds but the
    /// independent one is, then opens the gate and checks that the dependent came after the held resources.
    /// </summary>
    private static async Task AssertWaitsAsync(
        StackConfig config,
        MockGate gate,
        Func<MockResourceArgs, bool> dependent,
        string dependentName,
        Func<MockResourceArgs, bool> independent,
        string independentName)
    {
        var program = StackRun.RunAsync(config, gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            Assert.True(await gate.RequestedWhileHeldAsync(independent), $"{independentName} was not requested while the gate held: the gate blocks too much to prove anything");
            Assert.False(gate.Requested.Any(dependent), $"{dependentName} was requested while the gate held: it does not wait for the held resources");
        }
        finally
        {
            gate.Release();
        }

        var run = await program;
        Assert.Contains(run.Registered, r => dependent(r));
        gate.AssertRequestedAfterHeldAnswered(dependent, dependentName);
    }
}
