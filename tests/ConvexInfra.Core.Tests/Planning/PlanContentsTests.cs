using System.Text.Json;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Aws;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Planning;

/// <summary>What the plan says about roles, containers, backups, monitoring and the cold-deploy time.</summary>
public partial class PlanContentsTests
{
    private static StackPlan PlanOf(string stack)
    {
        var result = SettingsReader.Read(StackFile.Load(Path.Combine(RepoRootFinder.Find(), $"Pulumi.{stack}.yaml")));
        Assert.True(result.IsValid, result.ErrorReport);
        return StackPlanner.Plan(result.Spec!);
    }

    private static string Artifact(StackPlan plan, string path) => Assert.Single(plan.Artifacts, a => a.Path == path).Content;

    private static List<string> ParameterArns(string policy)
    {
        using var document = JsonDocument.Parse(policy);
        return document.RootElement.GetProperty("Statement").EnumerateArray()
            .Where(s => s.GetProperty("Sid").GetString() == "StackParametersRead")
            .SelectMany(s => s.GetProperty("Resource").ValueKind == JsonValueKind.Array
                ? s.GetProperty("Resource").EnumerateArray().Select(r => r.GetString()!)
                : [s.GetProperty("Resource").GetString()!])
            .ToList();
    }

    [Fact]
    public void The_host_policy_reads_its_secrets_and_release_but_not_the_admin_key()
    {
        var plan = PlanOf("dev");

        var arns = ParameterArns(Artifact(plan, $"{StackPlan.RolePolicyFolder}host-backend-access.json"));

        Assert.Equal(
            ["/convex-infra/dev/host-images", "/convex-infra/dev/host-tooling", "/convex-infra/dev/host-tooling-2", "/convex-infra/dev/instance-secret", "/convex-infra/dev/postgres-url", "/convex-infra/dev/release"],
            arns.Select(a => a[a.IndexOf(":parameter", StringComparison.Ordinal)..][":parameter".Length..]).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(plan.Artifacts, a => a.Path.StartsWith("aws/iam/", StringComparison.Ordinal)
            && !a.Path.Contains("export-execution", StringComparison.Ordinal) && a.Content.Contains("/admin-key", StringComparison.Ordinal));
    }

    [Fact]
    public void The_ecs_plan_renders_the_task_containers_and_their_roles()
    {
        var plan = PlanOf("ecs");

        using var containers = JsonDocument.Parse(Artifact(plan, $"{StackPlan.ContainersFolder}ecs-task{StackPlan.ContainersSuffix}"));
        var names = containers.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("backend", names);
        Assert.DoesNotContain("dashboard", names);
        using var dashboard = JsonDocument.Parse(Artifact(plan, $"{StackPlan.ContainersFolder}ecs-dashboard-task{StackPlan.ContainersSuffix}"));
        Assert.Equal(["dashboard"], dashboard.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Contains(plan.Artifacts, a => a.Path == $"{StackPlan.RolePolicyFolder}ecs-execution.json");
        Assert.Contains(plan.Artifacts, a => a.Path == $"{StackPlan.RolePolicyFolder}ecs-task.json");
        Assert.DoesNotContain("/admin-key", Artifact(plan, $"{StackPlan.RolePolicyFolder}ecs-task.json"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("staging")]
    [InlineData("prod")]
    [InlineData("ecs")]
    public void Aws_plans_list_backups_and_monitoring(string stack)
    {
        var plan = PlanOf(stack);
        var backups = plan.Resources.Where(r => r.Group == "backups").Select(r => r.Type).ToList();
        var monitoring = plan.Resources.Where(r => r.Group == "monitoring").Select(r => r.Type).ToList();

        Assert.Contains(ResourceTypes.Schedule, backups);
        Assert.Contains(ResourceTypes.TaskDefinition, backups);
        Assert.Contains(ResourceTypes.Role, backups);
        Assert.Contains(ResourceTypes.Topic, monitoring);
        Assert.Contains(ResourceTypes.HealthCheck, monitoring);
        Assert.Contains(ResourceTypes.MetricAlarm, monitoring);
        Assert.Contains(ResourceTypes.EventRule, monitoring);
        Assert.Contains(ResourceTypes.Dashboard, monitoring);
        Assert.True(plan.Cost.TotalOf(Core.Cost.CostCategory.Monitoring) >= 3m, "the dashboard alone is billed monthly");
        Assert.True(plan.Cost.TotalOf(Core.Cost.CostCategory.Backups) > 0m);
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("ecs")]
    [InlineData("local")]
    public void Artifacts_named_in_the_resource_list_are_rendered(string stack)
    {
        var plan = PlanOf(stack);
        var named = plan.Resources.SelectMany(r => ArtifactPath().Matches(r.Description).Select(m => m.Value)).ToList();

        Assert.All(named, path => Assert.Contains(plan.Artifacts, a => a.Path == path));
        if (plan.Spec.Target != DeploymentTarget.Local)
        {
            Assert.NotEmpty(named);
        }
    }

    [Fact]
    public void Cold_deploy_follows_the_database_and_multi_az_takes_longer()
    {
        var single = DeployTime.Estimate(AwsTestSpecs.DevEc2());
        var multi = DeployTime.Estimate(AwsTestSpecs.ProdEc2());

        Assert.Contains(single.CriticalPath, s => s.Key == "rds-single-az");
        Assert.Contains(multi.CriticalPath, s => s.Key == "rds-multi-az");
        Assert.True(multi.LowMinutes > single.LowMinutes && multi.HighMinutes > single.HighMinutes, $"{single.Range} vs {multi.Range}");
        Assert.True(single.LowMinutes < single.HighMinutes);
        Assert.Matches(@"^\d+–\d+ min$", single.Range);
    }

    [Fact]
    public void Cold_deploy_of_ecs_starts_the_task_during_rds_and_private_tasks_need_the_nat_gateway()
    {
        var spec = AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public);
        var publicTasks = DeployTime.Estimate(spec);
        var durations = DeployDurations.Embedded();
        var slowNat = durations with { Steps = [.. durations.Steps.Select(s => s.Key == "nat-gateway" ? s with { High = 60 } : s)] };
        var privateTasks = DeployTime.Estimate(AwsTestSpecs.ProdEcs(EcsSubnetPlacement.PrivateWithNat), slowNat);

        // The task (provisioning, pull) waits for the load balancer, not for RDS; serving waits for both.
        Assert.False(DeployTime.WaitsFor(spec, "ecs-task", "rds-multi-az"));
        Assert.True(DeployTime.WaitsFor(spec, "ecs-serving", "rds-multi-az"));
        Assert.True(DeployTime.WaitsFor(spec, "ecs-serving", "ecs-task"));
        // After the database: the address write, serving and the follow-up, whatever the task's own time (it overlaps
        // RDS). Prod's backup copy starts the RDS backups replication after the instance without waiting for RDS to
        // report it replicating: it ends before the serving chain and changes nothing of the estimate.
        var noCopy = DeployTime.Estimate(spec with { Recovery = spec.Recovery with { BackupCopy = false } });
        Assert.Equal(["pulumi", "network", "rds-multi-az", "secrets", "ecs-serving", "ecs-follow-up"], noCopy.CriticalPath.Select(s => s.Key));
        Assert.Equal(noCopy.CriticalPath, publicTasks.CriticalPath);
        Assert.Equal((noCopy.AfterDatabaseLowSeconds, noCopy.AfterDatabaseHighSeconds), (publicTasks.AfterDatabaseLowSeconds, publicTasks.AfterDatabaseHighSeconds));
        Assert.True(DeployTime.WaitsFor(spec, "rds-backup-replication", "rds-multi-az"));
        var afterDb = new[] { "secrets", "ecs-serving", "ecs-follow-up" }.Sum(k => durations.Step(k).High);
        Assert.Equal((int)Math.Ceiling(afterDb * 60), noCopy.AfterDatabaseHighSeconds);
        Assert.Contains(privateTasks.CriticalPath, s => s.Key == "nat-gateway");
        Assert.Equal(0, DeployTime.Estimate(AwsTestSpecs.Local()).HighMinutes);
    }

    /// <summary>
    /// Issue 22's target: pulumi up returns with the backend serving at most 90 s after the database. The backup copy's
    /// replication no longer holds it longer: it ends within the target after the database, off the critical path.
    /// </summary>
    [Fact]
    public void The_backup_copys_replication_ends_within_the_target_after_the_database()
    {
        const decimal TargetMinutes = 1.5m;
        var durations = DeployDurations.Embedded();
        foreach (var spec in new[] { AwsTestSpecs.ProdEc2(), AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public) })
        {
            var finishes = DeployTime.StepFinishes(spec, durations);
            var replication = finishes["rds-backup-replication"];
            var database = finishes["rds-multi-az"];
            var estimate = DeployTime.Estimate(spec, durations);

            Assert.True(replication.High - database.High <= TargetMinutes, $"{spec.Target}: the replication ends {(replication.High - database.High) * 60} s after the database");
            Assert.DoesNotContain(estimate.CriticalPath, s => s.Key == "rds-backup-replication");
            if (spec.Target == DeploymentTarget.AwsEc2)
            {
                Assert.InRange(estimate.AfterDatabaseHighSeconds, 1, TargetMinutes * 60);
            }
        }
    }

    [Fact]
    public void A_task_start_slower_than_rds_shows_on_the_ecs_critical_path()
    {
        var spec = AwsTestSpecs.ProdEcs(EcsSubnetPlacement.Public);
        var durations = DeployDurations.Embedded();
        var slowPull = durations with { Steps = [.. durations.Steps.Select(s => s.Key == "ecs-task" ? s with { High = 60 } : s)] };

        Assert.Contains(DeployTime.Estimate(spec, slowPull).CriticalPath, s => s.Key == "ecs-task");
    }

    [Fact]
    public void Every_step_duration_has_a_source_and_a_sane_range()
    {
        var durations = DeployDurations.Embedded();

        Assert.All(durations.Steps, s =>
        {
            Assert.False(string.IsNullOrWhiteSpace(s.Source), s.Key);
            Assert.InRange(s.Low, 0.05m, s.High);
        });
        Assert.Equal(durations.Steps.Count, durations.Steps.Select(s => s.Key).Distinct(StringComparer.Ordinal).Count());
    }

    [GeneratedRegex(@"aws/[a-z0-9/.-]+\.json")]
    private static partial Regex ArtifactPath();
}
