using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Planning;

namespace ConvexInfra.Components.Tests.Simulation;

/// <summary>
/// The mock simulation of a cold <c>pulumi up</c> (issue 22): the real program runs for each AWS stack file against
/// the test engine (<see cref="ProgramRun"/>), every resource takes its step's typical duration from
/// deploy-durations.json (<see cref="DeployStepMap"/>; the host's part is the wait step on EC2 and the service's
/// steady state on ECS) on a virtual clock, and the result must agree with <c>plan</c>'s model of the same spec:
/// the same critical path, the same totals as plan rounds them, and every step ending at the same time. The figures
/// in docs/aws.md come from here (<c>scripts/simulate-deploy.sh</c>, or <c>CONVEX_INFRA_UPDATE_DOCS=1</c>).
/// </summary>
public sealed class ColdDeploySimulationTests(SimulatedRuns runs) : IClassFixture<SimulatedRuns>
{
    private const string DocBlock = "sim:cold-deploy-table";

    public static TheoryData<string> AwsStacks() => StackFiles.AwsStacks();

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task Every_resource_type_the_program_creates_has_a_step_or_is_instant(string stack)
    {
        var run = await runs.GetAsync(stack);

        Assert.True(run.Registrations.Count(r => r.Custom) > 50, $"{stack}: the run registered only {run.Registrations.Count} resources");
        Assert.Empty(ColdDeploy.UnmappedTypes(run));
    }

    /// <summary>
    /// The run over the engine protocol is the program the mock tests see: the same resources, by type and name, as the
    /// stack's graph snapshot (which <see cref="Graph.GraphSnapshotTests"/> holds the in-process mock run to).
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_run_registers_the_resources_of_the_stacks_graph_snapshot(string stack)
    {
        var run = await runs.GetAsync(stack);
        var snapshot = Graph.ResourceGraph.Deserialize(await File.ReadAllTextAsync(RepoRoot.File("tests", "ConvexInfra.Components.Tests", "Graph", "Snapshots", $"{stack}.json")));

        var registered = run.Registrations.Where(r => r.Type != "pulumi:pulumi:Stack").Select(r => $"{r.Type}::{r.Name}").Order(StringComparer.Ordinal);
        Assert.Equal(snapshot.Select(n => n.Key).Order(StringComparer.Ordinal), registered);
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_simulated_cold_deploy_agrees_with_plans_estimate(string stack)
    {
        var run = await runs.GetAsync(stack);
        var simulated = ColdDeploy.Simulate(run);

        Assert.True(simulated.SameStepChains.Count == 0, string.Join(Environment.NewLine, simulated.SameStepChains));
        var disagreements = DeploySimulation.Disagreements(simulated, run.Spec, DeployDurations.Embedded());
        Assert.True(disagreements.Count == 0, $"{stack}: the simulated program and plan's model disagree:{Environment.NewLine}{string.Join(Environment.NewLine, disagreements)}");
        // The host's part is simulated: the wait for the host's report on EC2, the service's steady state on ECS.
        Assert.Contains(simulated.StepFinish.Keys, ColdDeploy.ServingSteps.Contains);
    }

    /// <summary>
    /// The check has teeth: the same recorded run with one wrong dependency added (the backend host, or the load
    /// balancer, waiting for the RDS instance, as if its user data or listener needed the database) no longer agrees
    /// with plan; nor does a wait step that stops waiting for the release it reports on.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task A_wrong_dependency_makes_the_simulation_disagree_with_plan(string stack)
    {
        var run = await runs.GetAsync(stack);
        var resources = ColdDeploy.Resources(run);
        var database = Assert.Single(resources, r => r.Type == ResourceTypes.DbInstance && r.Name.EndsWith("-postgres", StringComparison.Ordinal));
        var broken = resources.Select(r => r.Carries("host") || r.Carries("load-balancer") ? r with { Dependencies = [.. r.Dependencies, database.Urn] } : r).ToList();
        Assert.NotEqual(resources, broken);

        var disagreements = DeploySimulation.Disagreements(ColdDeploy.Simulate(run, broken), run.Spec, DeployDurations.Embedded());

        // The serving path moves behind the database: the time after it (and on most stacks the path) changes.
        Assert.Contains(disagreements, d => d.StartsWith("after the database:", StringComparison.Ordinal));
        Assert.Contains(disagreements, d => d.StartsWith("step 'host'", StringComparison.Ordinal) || d.StartsWith("step 'load-balancer'", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task A_wait_step_that_does_not_wait_for_the_release_disagrees_with_plan(string stack)
    {
        var run = await runs.GetAsync(stack);
        var resources = ColdDeploy.Resources(run);
        var release = Assert.Single(resources, r => r.Type == ResourceTypes.Parameter && r.Name.EndsWith("-host-release", StringComparison.Ordinal));
        var report = Assert.Single(resources, r => r.Carries("host-apply"));
        Assert.Contains(release.Urn, report.Dependencies);
        // The release and everything else that carries the database's address into the wait step, dropped.
        var database = resources.Where(r => r == release || r.Carries("secrets") || r.Carries("rds-single-az") || r.Carries("rds-multi-az")).Select(r => r.Urn).ToHashSet(StringComparer.Ordinal);
        var early = resources.Select(r => r == report ? r with { Dependencies = [.. r.Dependencies.Where(d => !database.Contains(d))] } : r).ToList();

        var disagreements = DeploySimulation.Disagreements(ColdDeploy.Simulate(run, early), run.Spec, DeployDurations.Embedded());

        Assert.Contains(disagreements, d => d.StartsWith("step 'host-apply'", StringComparison.Ordinal));
    }

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    /// <summary>
    /// Issue 22's target: pulumi up returns with the backend serving at most 90 s after the database. On every stack the
    /// serving step ends within it, and the backup copy's replication (a command that starts it and does not wait for
    /// RDS to report it replicating) ends within it too, off the critical path, waiting for the database instance and the
    /// copy key only. On EC2 that is the end of pulumi up; on ECS the follow-up steps after serving end later (docs/aws.md).
    /// </summary>
    [Theory]
    [MemberData(nameof(AwsStacks))]
    public async Task The_backend_serves_and_the_backup_replication_ends_within_the_target_after_the_database(string stack)
    {
        const decimal TargetSeconds = 90;
        var run = await runs.GetAsync(stack);
        var resources = ColdDeploy.Resources(run);
        var simulated = ColdDeploy.Simulate(run);
        decimal AfterDatabase(string step) => (simulated.StepFinish[step].High - simulated.DatabaseHighMinutes) * 60;

        Assert.InRange(AfterDatabase(ColdDeploy.ServingSteps.First(simulated.StepFinish.ContainsKey)), 0, TargetSeconds);
        if (run.Spec.Target == Core.Spec.DeploymentTarget.AwsEc2)
        {
            Assert.InRange((simulated.HighMinutes - simulated.DatabaseHighMinutes) * 60, 0, TargetSeconds);
        }

        var replication = resources.Where(r => r.Carries("rds-backup-replication")).ToList();
        Assert.Equal(Core.Ops.BackupCopyPlan.For(run.Spec) is { ReplicatesDatabaseBackups: true }, replication.Count == 1);
        if (replication.Count == 0)
        {
            return;
        }

        Assert.Equal(ResourceTypes.Command, replication[0].Type);
        Assert.InRange(AfterDatabase("rds-backup-replication"), 0, TargetSeconds);
        Assert.DoesNotContain(simulated.CriticalPath, s => s.Step == "rds-backup-replication");
        var database = Assert.Single(resources, r => r.Type == ResourceTypes.DbInstance && r.Name.EndsWith("-postgres", StringComparison.Ordinal));
        var key = Assert.Single(resources, r => r.Type == ResourceTypes.KmsKey && r.Name.EndsWith("-backup-copy-database-key", StringComparison.Ordinal));
        Assert.Equal(new[] { database.Urn, key.Urn }.Order(StringComparer.Ordinal), replication[0].Dependencies.Distinct().Order(StringComparer.Ordinal));
    }

    /// <summary>docs/aws.md shows the simulation's figures beside plan's, as this run gives them.</summary>
    [Fact]
    public async Task Docs_show_the_simulated_figures()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { [DocBlock] = ColdDeploy.Table(await runs.AllAsync()) };
        if (Environment.GetEnvironmentVariable("CONVEX_SIM_OUTPUT") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, values[DocBlock]);
        }

        var path = RepoRoot.File("docs", "aws.md");
        var text = await File.ReadAllTextAsync(path);
        Assert.Contains(DocBlock, DocFigures.Keys(text));
        var current = DocFigures.Apply(text, values);
        if (current != text && Environment.GetEnvironmentVariable("CONVEX_INFRA_UPDATE_DOCS") == "1")
        {
            await File.WriteAllTextAsync(path, current);
            text = current;
        }

        Assert.True(current == text, "docs/aws.md's simulated cold-deploy table differs from the simulation; run scripts/simulate-deploy.sh (or this test with CONVEX_INFRA_UPDATE_DOCS=1)");
    }
}
