using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Planning;
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
    private const string TaskDefinition = "aws:ecs/taskDefinition:TaskDefinition";
    private const string Schedule = "aws:scheduler/schedule:Schedule";
    private const string Alarm = "aws:cloudwatch/metricAlarm:MetricAlarm";
    private const string Dashboard = "aws:cloudwatch/dashboard:Dashboard";

    /// <summary>A revision the stack ran before, so the run is an upgrade and the pre-upgrade export runs.</summary>
    private const string OlderRevision = "0000000000000000000000000000000000000000";

    public static TheoryData<string> EcsStacks() => StackFiles.EcsStacks();

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

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

    /// <summary>
    /// With the RDS instance held, the backups (export task definition, schedule, revision history) and every alarm
    /// that does not watch the database are registered; the POSTGRES_URL parameter, the database alarms and the
    /// dashboard (which name the RDS identifier) and the backend wait. Then the plan's step model must say the same:
    /// a step is after the database exactly when its resources waited for it.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Backups_the_ecs_task_and_the_other_alarms_do_not_wait_for_the_database_and_the_plan_agrees(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var rds = spec.Database.MultiAz ? "rds-multi-az" : "rds-single-az";
        var gate = MockGate.ForType(Database);
        var program = StackRun.RunAsync(config, gate: gate);
        var ecs = spec.Target == DeploymentTarget.AwsEcs;

        // Plan step → resources that belong to it (each must exist in the finished run).
        var steps = new Dictionary<string, Func<MockResourceArgs, bool>>(StringComparer.Ordinal)
        {
            ["secrets"] = r => IsSecretParameter(r, "/postgres-url"),
            ["backups"] = r => IsExportTaskDefinition(r) || r.Type == Schedule || IsRevisionHistory(r),
            ["monitoring"] = r => r.Type == Dashboard || IsDatabaseAlarm(r),
        };
        if (ecs)
        {
            // The task definition, the service and the credentials they inject start while RDS is created; the address
            // parameter waits for it, and so do the dashboard and the grace-period reset (after the service is steady).
            steps["secrets"] = r => IsSecretParameter(r, "/postgres-url") || IsDatabaseHostParameter(r);
            steps["ecs-task"] = r => r.Type == Service || IsBackendTaskDefinition(r) || IsSecretParameter(r, "/db-credentials");
            steps["monitoring"] = IsDatabaseAlarm;
            steps["ecs-follow-up"] = r => r.Type == Dashboard || IsGraceReset(r);
        }
        else
        {
            steps["host"] = r => r.Type == Host;
            steps["host-apply"] = r => r.Type == Command && r.Name!.EndsWith("-release-report", StringComparison.Ordinal);
        }

        IReadOnlyList<MockResourceArgs> whileHeld;
        try
        {
            await gate.WaitUntilStuckAsync(program);
            whileHeld = gate.Requested;
            Assert.False(program.IsCompleted, "the program finished while the database was held");
        }
        finally
        {
            gate.Release();
        }

        var run = await program;
        if (ecs)
        {
            // The point of the split: the backend's service and task definition do not wait for RDS (so Fargate
            // provisioning and the image pull overlap it); the address parameter does.
            Assert.Contains(whileHeld, r => r.Type == Service && !r.Name!.Contains("dashboard", StringComparison.Ordinal));
            Assert.Contains(whileHeld, IsBackendTaskDefinition);
            Assert.DoesNotContain(whileHeld, IsDatabaseHostParameter);
            gate.AssertRequestedAfterHeldAnswered(IsDatabaseHostParameter, "the db-host parameter");
        }

        Assert.Contains(whileHeld, IsExportTaskDefinition);
        Assert.Contains(whileHeld, r => r.Type == Schedule);
        Assert.Contains(whileHeld, IsRevisionHistory);
        Assert.Contains(whileHeld, r => r.Type == Alarm && !IsDatabaseAlarm(r));
        Assert.DoesNotContain(whileHeld, IsDatabaseAlarm);
        Assert.DoesNotContain(whileHeld, r => r.Type == Dashboard);
        Assert.Contains(run.Registered, IsDatabaseAlarm);
        gate.AssertRequestedAfterHeldAnswered(r => r.Type == Dashboard, "the dashboard");
        gate.AssertRequestedAfterHeldAnswered(IsDatabaseAlarm, "the database alarms");

        foreach (var (step, belongs) in steps)
        {
            Assert.Contains(run.Registered, r => belongs(r));
            var waited = run.Registered.Where(belongs).Any(r => !whileHeld.Any(h => h.Type == r.Type && h.Name == r.Name));
            Assert.True(DeployTime.WaitsFor(spec, step, rds) == waited,
                $"plan step '{step}' {(DeployTime.WaitsFor(spec, step, rds) ? "waits" : "does not wait")} for {rds} in DeployTime's model, " +
                $"but its resources {(waited ? "waited" : "did not wait")} for the RDS instance");
        }
    }

    /// <summary>
    /// The pre-upgrade gate still holds on upgrades: while the export command is held, neither the EC2 release
    /// parameter nor the backend's ECS task definition is registered (nor the revision history).
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task On_upgrades_the_release_waits_for_the_pre_upgrade_export(string stack)
    {
        var config = StackFiles.Load(stack);
        var ecs = ConvexProgram.ReadSpec(config).Target == DeploymentTarget.AwsEcs;
        Func<MockResourceArgs, bool> release = ecs
            ? r => r.Type == TaskDefinition && !IsExportTaskDefinition(r)
            : IsReleaseParameter;
        var gate = new MockGate(r => r.Type == Command && r.Name!.EndsWith("-pre-upgrade-export", StringComparison.Ordinal));
        var program = StackRun.RunAsync(config, RevisionHistory.Serialize([OlderRevision]), gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            Assert.True(await gate.RequestedWhileHeldAsync(r => r.Type == Database), "the database was not requested while the export was held");
            Assert.DoesNotContain(gate.Requested, r => release(r));
            Assert.DoesNotContain(gate.Requested, IsRevisionHistory);
        }
        finally
        {
            gate.Release();
        }

        await program;
        gate.AssertRequestedAfterHeldAnswered(release, ecs ? "the backend's task definition" : "the release parameter");
        gate.AssertRequestedAfterHeldAnswered(IsRevisionHistory, "the revision history");
    }

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

    private static bool IsDatabaseHostParameter(MockResourceArgs r) =>
        r.Type == Parameter && r.Text("type") == "String" && r.Text("name")?.EndsWith("/db-host", StringComparison.Ordinal) == true;

    private static bool IsBackendTaskDefinition(MockResourceArgs r) =>
        r.Type == TaskDefinition && r.Name!.EndsWith("-ecs-task", StringComparison.Ordinal);

    private static bool IsGraceReset(MockResourceArgs r) =>
        r.Type == Command && r.Name!.EndsWith("-grace-reset", StringComparison.Ordinal);

    private static bool IsExportTaskDefinition(MockResourceArgs r) =>
        r.Type == TaskDefinition && r.Name!.EndsWith("-backups-export", StringComparison.Ordinal);

    private static bool IsRevisionHistory(MockResourceArgs r) =>
        r.Type == Parameter && r.Name!.EndsWith("-revision-history", StringComparison.Ordinal);

    /// <summary>An alarm on an RDS metric: its dimension is the instance identifier, known once RDS answers.</summary>
    private static bool IsDatabaseAlarm(MockResourceArgs r) =>
        r.Type == Alarm && r.Map("dimensions").ContainsKey("DBInstanceIdentifier");

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
