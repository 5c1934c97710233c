using System.Collections.Concurrent;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Ecs;

/// <summary>
/// The ECS backend's first deploy overlaps RDS creation: the service is created with a grace period and a create timeout
/// that outlast RDS creation, a one-shot step sets the usual grace period back once the service is steady, and only a
/// restore makes the task definition wait for the database address.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class EcsFirstDeployTests
{
    private const string Service = "aws:ecs/service:Service";
    private const string DbInstance = "aws:rds/instance:Instance";
    private const string Parameter = "aws:ssm/parameter:Parameter";
    private const string TaskDefinition = "aws:ecs/taskDefinition:TaskDefinition";
    private const string Command = "command:local:Command";

    public static TheoryData<string> Stacks() => StackFiles.EcsStacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_service_is_created_with_a_grace_period_and_timeout_that_outlast_rds_creation(string stack)
    {
        var config = StackFiles.Load(stack);
        var (run, options) = await RecordedOptions.RunAsync(config);

        var service = run.BackendService();
        var serviceOptions = options[service.Name!];
        var database = options[Assert.Single(run.OfType(DbInstance)).Name!];
        var rdsCreate = database.CustomTimeouts?.Create ?? throw new InvalidOperationException("the RDS instance has no create timeout");

        // The first task waits for RDS with nothing answering its health checks: the grace covers RDS's whole create timeout.
        Assert.Equal(EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds, service.Number("healthCheckGracePeriodSeconds"));
        Assert.True(TimeSpan.FromSeconds(service.Number("healthCheckGracePeriodSeconds")!.Value) >= rdsCreate);
        Assert.Equal(TimeSpan.FromMinutes(EcsDeploymentSettings.DatabaseCreateTimeoutMinutes), rdsCreate);
        // The steady-state wait on create now runs through RDS creation: its timeout must be longer (the provider's 20 min is not).
        var serviceCreate = serviceOptions.CustomTimeouts?.Create ?? TimeSpan.FromMinutes(20);
        Assert.True(serviceCreate > rdsCreate, $"service create timeout {serviceCreate} <= RDS create timeout {rdsCreate}");
        Assert.Equal(true, service.Flag("waitForSteadyState"));
        // After creation the reset step owns the value: pulumi must never put the long grace back on an update.
        Assert.Contains("healthCheckGracePeriodSeconds", serviceOptions.IgnoreChanges);
        // The dashboard's service does not wait for RDS and keeps its defaults.
        Assert.Empty(options[run.DashboardService().Name!].IgnoreChanges);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task A_one_shot_step_sets_the_usual_grace_period_back_after_the_service_and_the_address(string stack)
    {
        var config = StackFiles.Load(stack);
        var spec = ConvexProgram.ReadSpec(config);
        var run = await StackRun.RunAsync(config);
        var service = run.BackendService();
        var reset = Assert.Single(run.OfType(Command), c => c.Name!.EndsWith("-grace-reset", StringComparison.Ordinal));
        var env = reset.Map("environment");

        Assert.Equal(GracePeriodReset.Script(), reset.Text("create"));
        Assert.Contains("aws ecs update-service", reset.Text("create"), StringComparison.Ordinal);
        Assert.Equal(EcsDeploymentSettings.HealthCheckGracePeriodSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), env["GRACE_SECONDS"]);
        Assert.True(EcsDeploymentSettings.HealthCheckGracePeriodSeconds < EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds);
        // The names ECS knows the service by (its ARN ends with cluster/service).
        Assert.EndsWith($":service/{env["CLUSTER"]}/{env["SERVICE"]}", run.IdOf(service), StringComparison.Ordinal);
        Assert.Equal(spec.Region, env["REGION"]);
        Assert.Empty(reset.Text("update") ?? "");
        Assert.Empty(reset.Text("delete") ?? "");
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_reset_waits_for_the_service_and_the_database_address(string stack)
    {
        var gate = new MockGate(r => r.Type == Parameter && r.Text("name")?.EndsWith("/db-host", StringComparison.Ordinal) == true);
        var program = StackRun.RunAsync(StackFiles.Load(stack), gate: gate);
        try
        {
            await gate.WaitUntilStuckAsync(program);
            Assert.True(await gate.RequestedWhileHeldAsync(r => r.Type == Service), "the service was not requested while the address was held");
            Assert.DoesNotContain(gate.Requested, r => r.Type == Command && r.Name!.EndsWith("-grace-reset", StringComparison.Ordinal));
        }
        finally
        {
            gate.Release();
        }

        await program;
        gate.AssertRequestedAfterHeldAnswered(r => r.Type == Command && r.Name!.EndsWith("-grace-reset", StringComparison.Ordinal), "the grace reset");
    }

    /// <summary>
    /// Without a restore the task definition does not wait for the address (it starts during RDS creation); with one it
    /// does, so the service starts a task on the restored instance only once its address is written, never on the old one.
    /// </summary>
    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Only_a_restore_makes_the_task_definition_wait_for_the_database_address(string stack)
    {
        foreach (var restoring in new[] { false, true })
        {
            var config = restoring
                ? StackFiles.With(StackFiles.Load(stack), SettingKeys.DbRestoreTime.FullName, "latest")
                : StackFiles.Load(stack);
            var gate = new MockGate(r => r.Type == Parameter && r.Text("name")?.EndsWith("/db-host", StringComparison.Ordinal) == true);
            var program = StackRun.RunAsync(config, gate: gate);
            try
            {
                await gate.WaitUntilStuckAsync(program);
                Assert.True(await gate.RequestedWhileHeldAsync(r => r.Type == Service && r.Name!.Contains("dashboard", StringComparison.Ordinal)));
                Assert.Equal(!restoring, gate.Requested.Any(IsBackendTaskDefinition));
            }
            finally
            {
                gate.Release();
            }

            var run = await program;
            var labels = run.ServiceTaskDefinition().Text("containerDefinitions")!;
            Assert.Equal(restoring, labels.Contains(Core.Ecs.EcsContainerDefinitions.DatabaseHostVersionLabel, StringComparison.Ordinal));
        }
    }

    private static bool IsBackendTaskDefinition(MockResourceArgs r) =>
        r.Type == TaskDefinition && r.Name!.EndsWith("-ecs-task", StringComparison.Ordinal);
}
