using System.Globalization;
using System.Text.Json;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ecs;

/// <summary>
/// The ECS first deploy's settings against what the provider and ECS do (Data/ecs-service-facts.json, each fact with
/// its source), and the grace-period reset run against a fake AWS CLI.
/// </summary>
public sealed class EcsServiceFactsTests
{
    private static readonly Dictionary<string, long> Facts = LoadFacts();

    [Fact]
    public void The_service_create_timeout_outlasts_the_providers_default_and_the_rds_create_timeout()
    {
        Assert.True(EcsDeploymentSettings.ServiceCreateTimeoutMinutes > Facts["service-create-timeout-default-minutes"]);
        Assert.True(EcsDeploymentSettings.ServiceCreateTimeoutMinutes > EcsDeploymentSettings.DatabaseCreateTimeoutMinutes);
    }

    [Fact]
    public void The_first_grace_period_covers_rds_creation_within_ecs_limits_and_the_reset_shortens_it()
    {
        Assert.InRange(EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds, EcsDeploymentSettings.DatabaseCreateTimeoutMinutes * 60, Facts["grace-period-max-seconds"]);
        Assert.True(EcsDeploymentSettings.HealthCheckGracePeriodSeconds < EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds);
        Assert.Equal(1, Facts["grace-period-sent-only-on-change"]);
    }

    [Fact]
    public void The_serving_step_covers_the_polls_and_checks_it_is_made_of()
    {
        var serving = DeployDurations.Embedded().Step("ecs-serving");
        // The slowest of the parts whose figures are ours or the provider's: the entrypoint's poll, two healthy target
        // checks at the chosen interval, the provider's steady-state poll.
        var knownParts = BackendEntrypoint.PollSeconds
            + (EcsDeploymentSettings.TargetHealthyThreshold * EcsDeploymentSettings.TargetHealthCheckIntervalSeconds)
            + Facts["steady-state-poll-max-seconds"];

        Assert.True(serving.High * 60 >= knownParts, $"ecs-serving high {serving.High} min < {knownParts} s of known parts");
        Assert.Contains($"at most {Facts["steady-state-poll-max-seconds"]} s", serving.Source, StringComparison.Ordinal);
        Assert.Contains($"every {BackendEntrypoint.PollSeconds} s", serving.Source, StringComparison.Ordinal);
        Assert.Equal(1, Facts["service-steady-state-is-a-successful-deployment"]);
    }

    [Fact]
    public void The_upgrade_gap_assumes_a_full_image_pull_that_covers_the_measured_fargate_start()
    {
        Assert.Equal(1, Facts["fargate-images-not-cached"]);
        Assert.True(EcsUpgradeGap.TaskStartLowSeconds <= Facts["fargate-task-start-measured-low-seconds"],
            $"task start low {EcsUpgradeGap.TaskStartLowSeconds} s is above the fastest measured Fargate start");
        Assert.True(EcsUpgradeGap.TaskStartHighSeconds >= Facts["fargate-task-start-measured-high-seconds"],
            $"task start high {EcsUpgradeGap.TaskStartHighSeconds} s is below the slowest measured Fargate start");
    }

    [Fact]
    public void The_cold_deploys_task_step_contains_the_same_fargate_start_as_the_upgrade_gap()
    {
        // One Fargate start, two models: the cold deploy's ecs-task step (minutes, overlapping RDS) also provisions the
        // task and pulls the same images, so it cannot be shorter than the upgrade gap's task start.
        var task = DeployDurations.Embedded().Step("ecs-task");

        Assert.True(task.Low * 60 >= EcsUpgradeGap.TaskStartLowSeconds, $"ecs-task low {task.Low} min < task start {EcsUpgradeGap.TaskStartLowSeconds} s");
        Assert.True(task.High * 60 >= EcsUpgradeGap.TaskStartHighSeconds, $"ecs-task high {task.High} min < task start {EcsUpgradeGap.TaskStartHighSeconds} s");
    }

    [Fact]
    public void The_reset_sends_one_update_service_with_the_usual_grace_period()
    {
        using var dir = new TempDir();
        dir.Write("bin/aws", "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"${AWS_ARGS}\"\necho 900\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var args = Path.Combine(dir.Path, "args");

        var result = ExternalTool.Run("bash", ["-c", GracePeriodReset.Script()], dir.Path, new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["AWS_ARGS"] = args,
            ["REGION"] = "eu-west-1",
            ["CLUSTER"] = "acme-ecs-cluster-1234567",
            ["SERVICE"] = "acme-ecs-service-7654321",
            ["GRACE_SECONDS"] = GracePeriodReset.GraceSeconds,
        });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            [
                "ecs", "update-service", "--region", "eu-west-1", "--cluster", "acme-ecs-cluster-1234567", "--service", "acme-ecs-service-7654321",
                "--health-check-grace-period-seconds", EcsDeploymentSettings.HealthCheckGracePeriodSeconds.ToString(CultureInfo.InvariantCulture),
                "--query", "service.healthCheckGracePeriodSeconds", "--output", "text",
            ],
            File.ReadAllLines(args));
    }

    [Fact]
    public void The_reset_fails_pulumi_up_when_the_cli_fails()
    {
        using var dir = new TempDir();
        dir.Write("bin/aws", "#!/usr/bin/env bash\necho 'An error occurred (AccessDeniedException) when calling the UpdateService operation' >&2\nexit 254\n",
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var result = ExternalTool.Run("bash", ["-c", GracePeriodReset.Script()], dir.Path, new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["REGION"] = "eu-west-1",
            ["CLUSTER"] = "c",
            ["SERVICE"] = "s",
            ["GRACE_SECONDS"] = GracePeriodReset.GraceSeconds,
        });

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("UpdateService", result.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, long> LoadFacts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "components", "ConvexInfra.Core", "Data", "ecs-service-facts.json")));
        var facts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var fact in json.RootElement.GetProperty("facts").EnumerateArray())
        {
            Assert.False(string.IsNullOrWhiteSpace(fact.GetProperty("source").GetString()), fact.GetProperty("key").GetString());
            facts.Add(fact.GetProperty("key").GetString()!, fact.GetProperty("value").GetInt64());
        }

        return facts;
    }
}
