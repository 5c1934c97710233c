using System.Text.Json.Nodes;
using ConvexInfra.Core.Tests.Workflows.Simulator;

namespace ConvexInfra.Core.Tests.Workflows.Scenarios;

/// <summary>
/// Issue 21's failure modes 2-8, each as a run of the committed workflows in the simulator (CONVEX_INFRA_SIM_BASE runs
/// them against an older commit's workflows, which fail them).
/// </summary>
public sealed class FailureModeScenarios
{
    private const string Passphrase = "encryptionsalt: v1:c2FsdA==:v1:simulated";

    private static readonly Dictionary<string, Approval> Everyone = [];

    [Fact]
    public void A_pull_request_from_a_branch_previews_only_the_pull_request_stacks()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Commit("base");
        var sha = pipeline.Commit("change");

        var run = pipeline.Ci(Trigger.PullRequest(sha, 7));

        Assert.True(run.Conclusion == "success", run.Describe());
        Assert.Equal(["dev preview"], pipeline.PulumiCalls(run.RunId, "preview"));
        Assert.Equal(JobStatus.Skipped, run.StatusOf("preview-main"));
        Assert.Equal(["dev"], pipeline.StacksTouchedBy(run.RunId, "preview (dev)"));
    }

    [Fact]
    public void A_dependabot_pull_request_skips_the_preview_with_a_notice_instead_of_failing_without_secrets()
    {
        using var pipeline = new Pipeline().Cloud();
        var sha = pipeline.Commit("bump an action");

        var run = pipeline.Ci(Trigger.PullRequest(sha, 8, actor: "dependabot[bot]"));

        Assert.True(run.Conclusion == "success", run.Describe());
        Assert.Empty(pipeline.PulumiCalls(run.RunId, "preview"));
        Assert.Contains(run.Annotations, a => a.Title == "pulumi preview skipped" && a.Message.Contains("Dependabot", StringComparison.Ordinal));
    }

    [Fact]
    public void Convex_stacks_naming_a_stack_without_a_stack_file_fails_with_its_name_before_any_pulumi_call()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Repo.Vars["CONVEX_STACKS"] = "[\"dev\",\"qa\"]";
        var sha = pipeline.Commit("first commit");

        var ci = pipeline.Ci(Trigger.Push(sha));
        var deploy = pipeline.Deploy(sha);

        Assert.Equal(JobStatus.Failure, ci.StatusOf("plan"));
        Assert.Equal(JobStatus.Failure, deploy.StatusOf("gate"));
        Assert.Contains(ci.Annotations, a => a.Level == "error" && a.Message.Contains("CONVEX_STACKS lists qa, but there is no Pulumi.qa.yaml", StringComparison.Ordinal));
        Assert.Empty(pipeline.Repo.Calls("pulumi"));
    }

    [Fact]
    public void An_older_commit_re_run_is_refused_before_up_and_the_stack_keeps_the_newer_commit()
    {
        using var pipeline = new Pipeline().Documented();
        var older = pipeline.Commit("one");
        var olderPush = Trigger.Push(older);
        var olderCi = pipeline.Ci(olderPush);
        Assert.Equal("success", pipeline.Runner.Run("deploy.yml", Trigger.WorkflowRun(olderCi, olderPush, older)).Conclusion);
        var newer = pipeline.Commit("two");
        Assert.Equal("success", pipeline.Push(newer).Deploy.Conclusion);

        var rerun = pipeline.Runner.Run("deploy.yml", Trigger.WorkflowRun(olderCi, olderPush, newer));

        Assert.Equal(JobStatus.Failure, rerun.StatusOf("dev"));
        Assert.Equal(JobStatus.Skipped, rerun.StatusOf("staging"));
        Assert.Empty(pipeline.PulumiCalls(rerun.RunId, "up"));
        Assert.Contains(rerun.Annotations, a => a.Title == "older commit refused on dev");
        Assert.Equal(newer, pipeline.Repo.Running("dev"));
    }

    [Fact]
    public void After_a_failed_up_an_older_run_is_refused_and_the_failed_commit_can_be_deployed_again()
    {
        using var pipeline = new Pipeline().Documented();
        var older = pipeline.Commit("one");
        var olderPush = Trigger.Push(older);
        var olderCi = pipeline.Ci(olderPush);
        Assert.Equal("success", pipeline.Runner.Run("deploy.yml", Trigger.WorkflowRun(olderCi, olderPush, older)).Conclusion);
        var newer = pipeline.Commit("two");
        pipeline.Repo.Fake("fail-up/dev", "1");
        var (newerCi, failed) = pipeline.Push(newer);
        Assert.Equal(JobStatus.Failure, failed.StatusOf("dev"));

        var rerunOlder = pipeline.Runner.Run("deploy.yml", Trigger.WorkflowRun(olderCi, olderPush, newer));

        Assert.Equal(JobStatus.Failure, rerunOlder.StatusOf("dev"));
        Assert.Empty(pipeline.PulumiCalls(rerunOlder.RunId, "up"));
        Assert.Contains(rerunOlder.Annotations, a => a.Title == "older commit refused on dev" && a.Message.Contains("did not finish", StringComparison.Ordinal));

        var rerunNewer = pipeline.Runner.Run("deploy.yml", Trigger.WorkflowRun(newerCi, Trigger.Push(newer), newer));
        Assert.True(rerunNewer.Conclusion == "success", rerunNewer.Describe());
        Assert.Equal(newer, pipeline.Repo.Running("prod"));
        Assert.Null(pipeline.Repo.Read("tags/dev/convex-infra:deploying"));
    }

    [Fact]
    public void A_state_read_error_fails_the_commit_order_check_closed_and_nothing_is_applied()
    {
        using var pipeline = new Pipeline().Documented();
        Assert.Equal("success", pipeline.Push(pipeline.Commit("one")).Deploy.Conclusion);
        pipeline.Repo.Fake("read-error/dev", "1");

        // (ci's preview of dev fails on the same error; deploy is started by hand to reach the check)
        var deploy = pipeline.Deploy(pipeline.Commit("two"));

        Assert.Equal(JobStatus.Failure, deploy.StatusOf("dev"));
        Assert.Empty(pipeline.PulumiCalls(deploy.RunId, "up"));
        Assert.Contains(deploy.Annotations, a => a.Title == "could not read dev");
        Assert.DoesNotContain(deploy.Annotations, a => a.Title.StartsWith("first deploy", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unanswered_approval_does_not_block_a_newer_push_which_reaches_prod()
    {
        using var pipeline = new Pipeline().Documented();
        var first = pipeline.Commit("one");
        var (_, waiting) = pipeline.Push(first, new() { ["staging"] = Approval.NoAnswer });
        Assert.Equal(JobStatus.Waiting, waiting.StatusOf("staging/deploy"));
        Assert.Equal(JobStatus.Pending, waiting.StatusOf("prod"));

        var second = pipeline.Commit("two");
        var (_, newer) = pipeline.Push(second, Everyone);

        Assert.True(newer.Conclusion == "success", newer.Describe());
        Assert.Equal(second, pipeline.Repo.Running("staging"));
        Assert.Equal(second, pipeline.Repo.Running("prod"));
        Assert.Equal(["dev up", "staging up", "prod up"], pipeline.PulumiCalls(newer.RunId, "up"));
    }

    [Fact]
    public void Only_a_newer_push_to_the_same_pull_request_cancels_a_ci_run_never_a_run_on_main()
    {
        using var pipeline = new Pipeline().Documented();
        var one = pipeline.Commit("one");
        var two = pipeline.Commit("two");

        Assert.False(pipeline.Runner.Cancels("ci.yml", Trigger.Dispatch(one), Trigger.Push(one)), "a manual run on main cancels the push run");
        Assert.False(pipeline.Runner.Cancels("ci.yml", Trigger.Push(two), Trigger.Push(one)), "a newer push cancels the older push's run");
        Assert.True(pipeline.Runner.Cancels("ci.yml", Trigger.PullRequest(two, 3), Trigger.PullRequest(one, 3)));
        Assert.False(pipeline.Runner.Cancels("ci.yml", Trigger.PullRequest(two, 4), Trigger.PullRequest(one, 3)));
    }

    [Fact]
    public void Passphrase_stacks_get_their_environments_passphrase_in_every_job_that_reads_state()
    {
        using var pipeline = new Pipeline().Documented();
        foreach (var stack in Pipeline.Stacks)
        {
            File.WriteAllLines(Path.Combine(pipeline.Repo.Origin, $"Pulumi.{stack}.yaml"), File.ReadAllLines(Path.Combine(pipeline.Repo.Origin, $"Pulumi.{stack}.yaml"))
                .Where(l => !l.StartsWith("secretsprovider:", StringComparison.Ordinal) && !l.StartsWith("encryptedkey:", StringComparison.Ordinal)).Append(Passphrase));
            pipeline.Repo.Environment(stack).Secrets["PULUMI_CONFIG_PASSPHRASE"] = "correct horse " + stack;
            pipeline.Repo.Environment($"preview-{stack}").Secrets["PULUMI_CONFIG_PASSPHRASE"] = "correct horse " + stack;
        }

        var sha = pipeline.Commit("first commit");
        var (ci, deploy) = pipeline.Push(sha);
        var drift = pipeline.Runner.Run("drift.yml", Trigger.Schedule(sha));

        Assert.True(ci.Conclusion == "success", ci.Describe());
        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        Assert.True(drift.Conclusion == "success", drift.Describe());
        Assert.Equal(["dev refresh", "prod refresh", "staging refresh"], pipeline.PulumiCalls(drift.RunId, "refresh").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_passphrase_stack_whose_environment_lacks_the_secret_fails_early_naming_it()
    {
        using var pipeline = new Pipeline().Documented();
        File.AppendAllText(Path.Combine(pipeline.Repo.Origin, "Pulumi.staging.yaml"), Passphrase + "\n");
        pipeline.Repo.Environment("dev").Secrets["PULUMI_CONFIG_PASSPHRASE"] = "dev only";

        var deploy = pipeline.Deploy(pipeline.Commit("first commit"));

        Assert.Equal(JobStatus.Success, deploy.StatusOf("dev"));
        Assert.Equal(JobStatus.Failure, deploy.StatusOf("staging"));
        Assert.Empty(pipeline.StacksTouchedBy(deploy.RunId, "staging/deploy"));
        var error = Assert.Single(deploy["staging/deploy"].Errors);
        Assert.Contains("PULUMI_CONFIG_PASSPHRASE is not set for the GitHub environment staging", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_skips_a_stack_with_a_deploy_in_progress_instead_of_reporting_its_changes_as_drift()
    {
        using var pipeline = new Pipeline().Documented();
        var sha = pipeline.Commit("one");
        Assert.Equal("success", pipeline.Push(sha).Deploy.Conclusion);
        pipeline.Repo.Fake("tags/dev/convex-infra:deploying", sha);
        pipeline.Repo.Fake("drift/dev", """{"steps":[{"op":"update","urn":"urn:pulumi:dev::convex-infra::aws:ec2/instance:Instance::host","diffReasons":["instanceType"]}]}""");

        var drift = pipeline.Runner.Run("drift.yml", Trigger.Schedule(sha));

        Assert.True(drift.Conclusion == "success", drift.Describe());
        Assert.Equal(["prod refresh", "staging refresh"], pipeline.PulumiCalls(drift.RunId, "refresh").Order(StringComparer.Ordinal));
        Assert.Contains(drift.Annotations, a => a.Title == "drift check skipped on dev");
        Assert.DoesNotContain(pipeline.Repo.Calls("gh"), c => c.Args.StartsWith("issue create", StringComparison.Ordinal));
    }

    [Fact]
    public void The_summary_lists_every_stack_of_the_chain_ecs_included()
    {
        using var pipeline = new Pipeline().Documented(["dev", "staging", "prod", "ecs"]);

        var (_, deploy) = pipeline.Push(pipeline.Commit("one"));

        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        Assert.Contains("| ecs | success | https://api.ecs.convex.example.com |", deploy["outputs"].Summary, StringComparison.Ordinal);
        Assert.Equal(["dev up", "staging up", "ecs up", "prod up"], pipeline.PulumiCalls(deploy.RunId, "up"));
    }

    [Fact]
    public void Dev_without_a_hosted_zone_prints_its_records_and_waits_for_them_before_verify()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Repo.Fake("dns/dev", new JsonArray(
            new JsonObject { ["name"] = "api.dev.convex.example.com", ["type"] = "CNAME", ["value"] = "ec2-host.eu-west-1.compute.amazonaws.com" },
            new JsonObject { ["name"] = "dashboard.dev.convex.example.com", ["type"] = "CNAME", ["value"] = "ec2-host.eu-west-1.compute.amazonaws.com" }).ToJsonString());
        pipeline.Repo.Fake("dns-polls/dev", "3");

        var (_, deploy) = pipeline.Push(pipeline.Commit("one"));

        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        Assert.Equal(2, deploy["dev/deploy"].Annotations.Count(a => a.Title == "create this DNS record for dev"));
        Assert.Contains("| api.dev.convex.example.com | CNAME |", deploy["dev/deploy"].Summary, StringComparison.Ordinal);
        var calls = pipeline.Repo.Calls(null).Where(c => c.Run == deploy.RunId && c.Job == "dev/deploy").ToList();
        Assert.True(calls.FindIndex(c => c.Tool == "dig") < calls.FindIndex(c => c.Args.StartsWith("verify", StringComparison.Ordinal)));
    }
}
