using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Planning;

/// <summary>
/// The virtual clock of the cold-deploy simulation on small hand-made runs (the real program's runs are simulated in
/// the component tests): a resource starts when what it waited for is done, takes its steps one after the other, and a
/// step waiting at run time for another resource starts no earlier than that resource's end.
/// </summary>
public class DeploySimulationTests
{
    private static readonly DeployDurations Durations = new("test", "test",
    [
        new DeployStep("pulumi", "start-up", 1, 2, "test"),
        new DeployStep("network", "network", 1, 1, "test"),
        new DeployStep("rds-single-az", "rds", 5, 10, "test"),
        new DeployStep("secrets", "secrets", 0.5m, 0.5m, "test"),
        new DeployStep("ecs-task", "task start", 2, 3, "test"),
        new DeployStep("ecs-serving", "serving", 1, 2, "test"),
        new DeployStep("host", "host", 1, 2, "test"),
    ]);

    private static SimulatedResource R(string name, string? step, params string[] dependencies) =>
        new($"urn:{name}", "t", name, step, dependencies.Select(d => $"urn:{d}").ToList());

    [Fact]
    public void A_chain_adds_its_steps_after_the_start_up_and_instant_resources_add_nothing()
    {
        var run = DeploySimulation.Run(
        [
            R("vpc", "network"),
            R("subnet", null, "vpc"),
            R("db", "rds-single-az", "subnet"),
            R("url", "secrets", "db"),
            R("bucket", null),
        ], Durations, "rds-single-az");

        Assert.Equal(1 + 1 + 5 + 0.5m, run.LowMinutes);
        Assert.Equal(2 + 1 + 10 + 0.5m, run.HighMinutes);
        Assert.Equal(30m, run.AfterDatabaseHighSeconds);
        Assert.Equal("pulumi → network → rds-single-az → secrets", run.Path);
        Assert.Equal((7m, 13m), run.StepFinish["rds-single-az"]);
        Assert.Empty(run.SameStepChains);
    }

    [Fact]
    public void A_step_that_waits_at_run_time_starts_when_the_awaited_resource_is_done()
    {
        var db = R("db", "rds-single-az", "vpc");
        var parameter = R("db-host", "secrets", "db");
        var service = new SimulatedResource("urn:service", "t", "service",
            [new SimulatedPhase("ecs-task", []), new SimulatedPhase("ecs-serving", [parameter.Urn])], ["urn:vpc"]);

        var run = DeploySimulation.Run([R("vpc", "network"), db, parameter, service], Durations, "rds-single-az");

        // High figures: the task is up at 2 + 1 + 3 = 6 min, the parameter at 2 + 1 + 10 + 0.5 = 13.5: serving ends at 15.5.
        Assert.Equal(15.5m, run.HighMinutes);
        Assert.Equal((4m, 6m), run.StepFinish["ecs-task"]);
        Assert.Equal("pulumi → network → rds-single-az → secrets → ecs-serving", run.Path);
        Assert.Equal("service", run.CriticalPath[^1].Resource);
    }

    [Fact]
    public void When_the_task_is_slower_than_the_database_the_path_runs_through_the_task()
    {
        var slow = new DeployDurations("test", "test", [.. Durations.Steps.Where(s => s.Key != "ecs-task"), new DeployStep("ecs-task", "task", 20, 30, "test")]);
        var service = new SimulatedResource("urn:service", "t", "service",
            [new SimulatedPhase("ecs-task", []), new SimulatedPhase("ecs-serving", ["urn:db-host"])], ["urn:vpc"]);

        var run = DeploySimulation.Run([R("vpc", "network"), R("db", "rds-single-az", "vpc"), R("db-host", "secrets", "db"), service], slow, "rds-single-az");

        Assert.Equal("pulumi → network → ecs-task → ecs-serving", run.Path);
    }

    [Fact]
    public void A_resource_waiting_for_another_of_its_own_step_is_reported()
    {
        var run = DeploySimulation.Run([R("vpc", "network"), R("subnet", null, "vpc"), R("vpc2", "network", "subnet"), R("db", "rds-single-az")], Durations, "rds-single-az");

        Assert.Equal(["vpc2 (network) waits for vpc of the same step"], run.SameStepChains);
    }

    [Fact]
    public void A_dependency_the_run_did_not_register_or_a_cycle_is_refused()
    {
        var missing = Assert.Throws<ArgumentException>(() => DeploySimulation.Run([R("db", "rds-single-az", "vpc")], Durations, "rds-single-az"));
        Assert.Contains("urn:vpc, which the run did not register", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => DeploySimulation.Run([R("a", "network", "b"), R("b", "rds-single-az", "a")], Durations, "rds-single-az"));
        Assert.Throws<InvalidOperationException>(() => DeploySimulation.Run([R("db", "rds-single-az"), R("x", "no-such-step")], Durations, "rds-single-az"));
    }

    [Fact]
    public void Every_step_the_map_names_is_in_the_durations()
    {
        var durations = DeployDurations.Embedded();
        foreach (var type in DeployStepMap.Types)
        {
            foreach (var (target, multiAz) in new[] { (DeploymentTarget.AwsEc2, (object?)true), (DeploymentTarget.AwsEcs, false), (DeploymentTarget.AwsEc2, null) })
            {
                var names = type == ResourceTypes.Command ? new[] { "x-release-report", "x-pre-upgrade-export", "x-deployment-env", "x-grace-reset", "x-backup-copy-database" } : ["x-postgres-url", "x-other"];
                foreach (var name in names)
                {
                    var resource = new DeployStepMap.Resource(name, target, key => key == "multiAz" ? multiAz : null);
                    Assert.True(DeployStepMap.TryPhases(type, resource, _ => ["urn:x"], out var phases));
                    Assert.All(phases, p => durations.Step(p.Step));
                }
            }
        }
    }

    [Fact]
    public void The_backup_copys_replication_command_carries_its_step_and_the_old_managed_type_is_not_mapped()
    {
        var resource = new DeployStepMap.Resource("prod-acme-prod-backup-copy-database", DeploymentTarget.AwsEc2, _ => null);

        Assert.True(DeployStepMap.TryPhases(ResourceTypes.Command, resource, _ => [], out var phases));
        Assert.Equal(["rds-backup-replication"], phases.Select(p => p.Step));
        Assert.DoesNotContain(ResourceTypes.DbBackupsReplication, DeployStepMap.Types);
    }

    [Fact]
    public void A_type_the_map_does_not_know_has_no_steps_and_an_unknown_command_is_refused()
    {
        var resource = new DeployStepMap.Resource("dev-acme-dev-host-new-command", DeploymentTarget.AwsEc2, _ => null);

        Assert.False(DeployStepMap.TryPhases("aws:ec2/natGatewayV2:NatGatewayV2", resource, _ => [], out _));
        Assert.Throws<ArgumentException>(() => DeployStepMap.TryPhases(ResourceTypes.Command, resource, _ => [], out _));
    }
}
