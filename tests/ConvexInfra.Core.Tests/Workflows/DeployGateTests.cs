using ConvexInfra.Core.Tests.Tools;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// deploy.yml starts only from a successful ci run of a push to main (or by hand on main for a commit ci passed), and
/// every stack refuses a commit older than the one it runs before `pulumi up`. Checked on the parsed YAML, and by
/// running the gate job's script under bash for each kind of trigger.
/// </summary>
public class DeployGateTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef01234567";

    private static YamlMappingNode Deploy => WorkflowYaml.Load("deploy.yml");

    [Fact]
    public void Deploy_is_triggered_by_ci_completing_on_main_and_by_hand_only()
    {
        var on = Deploy.Map("on");
        var run = on.Map("workflow_run");

        Assert.Equal(["workflow_dispatch", "workflow_run"], on.Children.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
        Assert.Equal([WorkflowYaml.Load("ci.yml").Text("name")!], Sequence(run, "workflows"));
        Assert.Equal(["completed"], Sequence(run, "types"));
        Assert.Equal(["main"], Sequence(run, "branches"));
    }

    [Fact]
    public void Every_stack_job_waits_for_the_gate_and_deploys_the_commit_it_found()
    {
        var jobs = Deploy.Map("jobs");
        var stackJobs = jobs.Children.Where(j => ((YamlMappingNode)j.Value).Text("uses") == "./.github/workflows/deploy-stack.yml").ToList();

        Assert.Equal(4, stackJobs.Count);
        foreach (var (key, value) in stackJobs)
        {
            var job = (YamlMappingNode)value;
            Assert.Contains("gate", WorkflowYaml.Needs(job));
            Assert.Equal("${{ needs.gate.outputs.sha }}", job.Map("with").Text("ref"));
        }

        // The first stack runs only when the gate found a commit; the others need the one before them to succeed.
        Assert.Contains("needs.gate.outputs.sha != ''", jobs.Map("dev").Text("if"), StringComparison.Ordinal);
        Assert.Equal("${{ steps.commit.outputs.sha }}", jobs.Map("gate").Map("outputs").Text("sha"));
    }

    [Theory]
    [InlineData("failure", "push", "acme/convex-infra")]
    [InlineData("cancelled", "push", "acme/convex-infra")]
    [InlineData("success", "pull_request", "acme/convex-infra")]
    [InlineData("success", "push", "fork/convex-infra")]
    public void A_ci_run_that_is_not_a_successful_push_to_main_deploys_nothing(string conclusion, string runEvent, string repository)
    {
        var (result, output) = RunGate(new()
        {
            ["EVENT"] = "workflow_run",
            ["RUN_CONCLUSION"] = conclusion,
            ["RUN_EVENT"] = runEvent,
            ["RUN_REPO"] = repository,
            ["RUN_SHA"] = Sha,
        });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("::notice title=deploy skipped::", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sha=", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_successful_ci_run_of_a_push_to_main_deploys_the_commit_it_tested()
    {
        var (result, output) = RunGate(new()
        {
            ["EVENT"] = "workflow_run",
            ["RUN_CONCLUSION"] = "success",
            ["RUN_EVENT"] = "push",
            ["RUN_REPO"] = "acme/convex-infra",
            ["RUN_SHA"] = Sha,
            ["GITHUB_SHA"] = "ffffffffffffffffffffffffffffffffffffffff",
        });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"sha={Sha}\n", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("refs/heads/feature", "1", "deploy runs from main only")]
    [InlineData("refs/heads/main", "0", "ci has no successful run for the push of")]
    public void A_manual_run_needs_main_and_a_commit_ci_passed(string gitRef, string successfulRuns, string message)
    {
        var (result, output) = RunGate(new() { ["EVENT"] = "workflow_dispatch", ["GITHUB_REF"] = gitRef }, successfulRuns);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("sha=", output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_manual_run_on_main_deploys_its_commit_when_ci_passed_it()
    {
        var (result, output) = RunGate(new() { ["EVENT"] = "workflow_dispatch", ["GITHUB_REF"] = "refs/heads/main" }, successfulRuns: "1");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"sha={Sha}\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_stack_checks_commit_order_before_it_changes_anything_marks_the_deploy_and_records_the_commit_after_up()
    {
        var steps = WorkflowYaml.Load("deploy-stack.yml").Map("jobs").Map("deploy").Steps();
        int IndexOf(Func<YamlMappingNode, bool> match) => steps.Select((step, i) => (step, i)).Single(p => match(p.step)).i;
        var check = IndexOf(s => s.Text("run") == "bash .github/scripts/deployed-commit.sh check \"$STACK\" \"$REF\"");
        var begin = IndexOf(s => s.Text("run") == "bash .github/scripts/deployed-commit.sh begin \"$STACK\" \"$REF\"");
        var up = IndexOf(s => s.Text("uses")?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true && s.Map("with").Text("command") == "up");
        var record = IndexOf(s => s.Text("run") == "bash .github/scripts/deployed-commit.sh record \"$STACK\" \"$REF\"");
        var verify = IndexOf(s => s.Text("run")?.Contains("convex-infra verify", StringComparison.Ordinal) == true);

        Assert.True(check < begin && begin == up - 1 && up < record && record < verify, "order: check, begin, up, record, verify");
        Assert.All(steps.Take(check), step => Assert.True(
            step.Text("uses")?.Split('@')[0] is "actions/checkout" or "aws-actions/configure-aws-credentials" or "pulumi/actions"
                && step.Map("with").Text("command") is null
            || step.Text("name") is "Check that the commit is the one promoted" or "Log in to the state backend"
                or "Check the environment and the stack's secrets provider",
            $"step {step.Text("name") ?? step.Text("uses")} runs before the commit-order check"));
        Assert.All(new[] { check, begin, record }, i => Assert.Equal("${{ inputs.ref }}", steps[i].Map("env").Text("REF")));
    }

    private static List<string> Sequence(YamlMappingNode map, string key) =>
        ((YamlSequenceNode)map.Children[new YamlScalarNode(key)]).Children.Select(n => n.ToString()).ToList();

    private static (ToolResult Result, string Output) RunGate(Dictionary<string, string> environment, string successfulRuns = "0")
    {
        using var dir = new TempDir();
        var step = Deploy.Map("jobs").Map("gate").Steps().Single(s => s.Text("id") == "commit");
        var script = dir.Write("gate.sh", "#!/usr/bin/env bash\nset -eo pipefail\n" + step.Text("run"));
        var output = dir.Write("github-output", "");
        dir.Write("bin/gh", $"#!/bin/sh\nprintf '%s\\n' \"$*\" > '{dir.Path}/gh-args'\necho {successfulRuns}\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var env = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_STEP_SUMMARY"] = Path.Combine(dir.Path, "summary"),
            ["GITHUB_REPOSITORY"] = "acme/convex-infra",
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_SHA"] = Sha,
            ["STACKS"] = "[\"dev\",\"staging\",\"prod\"]",
        };
        foreach (var (key, value) in environment)
        {
            env[key] = value;
        }

        var result = ExternalTool.Run("bash", [script], dir.Path, env);
        if (environment.GetValueOrDefault("EVENT") == "workflow_dispatch" && environment["GITHUB_REF"] == "refs/heads/main")
        {
            Assert.Equal($"api repos/acme/convex-infra/actions/workflows/ci.yml/runs?head_sha={Sha}&event=push&status=success --jq .total_count",
                File.ReadAllText(Path.Combine(dir.Path, "gh-args")).Trim());
        }

        return (result, File.ReadAllText(output));
    }
}
