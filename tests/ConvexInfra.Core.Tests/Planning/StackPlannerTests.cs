using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Planning;

/// <summary>The offline plan of every stack file in the repository, with its artifacts checked by the real tools.</summary>
public class StackPlannerTests
{
    private static IEnumerable<string> StackNames() =>
        Directory.GetFiles(RepoRootFinder.Find(), "Pulumi.*.yaml")
            .Select(file => Path.GetFileName(file)["Pulumi.".Length..^".yaml".Length])
            .Order(StringComparer.Ordinal);

    public static TheoryData<string> RepoStacks() => new(StackNames());

    private static StackPlan PlanOf(string stack)
    {
        var result = SettingsReader.Read(StackFile.Load(Path.Combine(RepoRootFinder.Find(), $"Pulumi.{stack}.yaml")));
        Assert.True(result.IsValid, result.ErrorReport);
        return StackPlanner.Plan(result.Spec!);
    }

    [Fact]
    public void The_repository_has_a_stack_file_for_every_target()
    {
        var targets = StackNames().Select(stack => PlanOf(stack).Spec.Target).ToHashSet();
        Assert.Equal(Enum.GetValues<DeploymentTarget>().ToHashSet(), targets);
    }

    [Theory]
    [MemberData(nameof(RepoStacks))]
    public void Plan_lists_resources_artifacts_and_a_cost(string stack)
    {
        var plan = PlanOf(stack);

        Assert.NotEmpty(plan.Resources);
        Assert.Equal(plan.Artifacts.Count, plan.Artifacts.Select(a => a.Path).Distinct(StringComparer.Ordinal).Count());
        Assert.All(plan.Artifacts, a => Assert.False(Path.IsPathRooted(a.Path) || a.Path.Contains("..", StringComparison.Ordinal), a.Path));
        Assert.Contains(plan.Artifacts, a => a.Path == "env/backend.env");
        if (plan.Spec.Target == DeploymentTarget.Local)
        {
            Assert.Equal(0m, plan.Cost.MonthlyTotalUsd);
        }
        else
        {
            Assert.True(plan.Cost.MonthlyTotalUsd > 20m, $"{stack}: {plan.Cost.MonthlyTotalUsd}");
            var backendAccess = plan.Spec.Target == DeploymentTarget.AwsEc2 ? "host-backend-access" : "ecs-task";
            Assert.Contains(plan.Artifacts, a => a.Path == $"{StackPlan.RolePolicyFolder}{backendAccess}.json");
            Assert.Contains(plan.Artifacts, a => a.Path == "aws/network-plan.json");
        }
    }

    [Theory]
    [MemberData(nameof(RepoStacks))]
    public void Backend_env_artifact_names_secrets_but_never_holds_them(string stack)
    {
        var env = Assert.Single(PlanOf(stack).Artifacts, a => a.Path == "env/backend.env").Content;
        var lines = env.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Contains("# INSTANCE_SECRET: secret", env, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, l => l.StartsWith("INSTANCE_SECRET=", StringComparison.Ordinal) || l.StartsWith("POSTGRES_URL=", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("INSTANCE_NAME=", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(RepoStacks))]
    [Trait("Category", "Tools")]
    public void Every_artifact_passes_its_real_tool(string stack)
    {
        using var dir = new TempDir();
        var plan = PlanOf(stack);
        var checkedCount = 0;
        var files = plan.Artifacts.Select(artifact => (artifact.Path, File: dir.Write(artifact.Path, artifact.Content))).ToList();

        // The secrets env file exists only on the host (written by convex-release from SSM); compose needs a file there.
        if (plan.Spec.Target == DeploymentTarget.AwsEc2)
        {
            dir.Write("ec2/host/etc/convex/backend.secrets.env", "INSTANCE_SECRET=test-only\n");
        }

        foreach (var (path, file) in files)
        {
            checkedCount += CheckWithTool(path, file, dir.Path) ? 1 : 0;
        }

        Assert.True(checkedCount >= (plan.Spec.Target == DeploymentTarget.AwsEc2 ? 6 : 1), $"{stack}: only {checkedCount} artifacts were tool-checked");
    }

    private static bool CheckWithTool(string path, string file, string home)
    {
        if (path.EndsWith("Caddyfile", StringComparison.Ordinal))
        {
            var result = ExternalTool.Run("caddy", ["validate", "--config", file, "--adapter", "caddyfile"],
                environment: new Dictionary<string, string> { ["HOME"] = home, ["XDG_DATA_HOME"] = home, ["XDG_CONFIG_HOME"] = home });
            Assert.True(result.ExitCode == 0, $"caddy validate {path}:\n{result.Output}");
            return true;
        }

        if (path.EndsWith(".yml", StringComparison.Ordinal) && path.Contains("compose", StringComparison.Ordinal))
        {
            var result = ExternalTool.Run("docker-compose", ["-f", file, "config", "-q"],
                environment: new Dictionary<string, string> { ["INSTANCE_SECRET"] = "x", ["POSTGRES_URL"] = "x", ["POSTGRES_PASSWORD"] = "x" });
            Assert.True(result.ExitCode == 0, $"docker-compose config {path}:\n{result.Output}");
            return true;
        }

        if (path == Ec2Artifacts.UserDataPath)
        {
            ExternalTool.Check("cloud-init", "schema", "--config-file", file);
            return true;
        }

        // Host tooling that is not a shell script, though it lives where convex-release accepts tooling (/usr/local/sbin).
        if (path.EndsWith(Core.Rendering.HostLayout.MetricsRelayScriptPath, StringComparison.Ordinal))
        {
            ExternalTool.Check("node", "--check", file);
            return true;
        }

        if (path.EndsWith(Core.Rendering.HostLayout.CloudWatchAgentConfigPath, StringComparison.Ordinal))
        {
            using var _ = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            return true;
        }

        if (path.EndsWith(Core.Rendering.HostLayout.CloudWatchAgentPrometheusPath, StringComparison.Ordinal))
        {
            ExternalTool.Check("yamllint", "--strict", "-d", Rendering.ComposeFileTests.YamllintConfig, file);
            return true;
        }

        if (path.Contains("/sbin/", StringComparison.Ordinal))
        {
            ExternalTool.Check("shellcheck", "-s", "bash", file);
            return true;
        }

        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            using var _ = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            return true;
        }

        return false;
    }
}
