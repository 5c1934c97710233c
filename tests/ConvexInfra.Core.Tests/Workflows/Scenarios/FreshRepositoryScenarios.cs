using ConvexInfra.Core.Tests.Workflows.Simulator;

namespace ConvexInfra.Core.Tests.Workflows.Scenarios;

/// <summary>
/// Issue 21's acceptance: a repository set up only as docs/cicd.md says goes green from its first push to prod, and
/// a repository with fewer variables stays green with notices that say what is missing.
/// </summary>
public sealed class FreshRepositoryScenarios
{
    [Fact]
    public void A_documented_repository_promotes_its_first_push_from_dev_to_prod_all_green()
    {
        using var pipeline = new Pipeline().Documented();
        var sha = pipeline.Commit("first commit");

        var (ci, deploy) = pipeline.Push(sha);

        Assert.True(ci.Conclusion == "success", ci.Describe());
        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        foreach (var stack in Pipeline.Stacks)
        {
            Assert.Equal(JobStatus.Success, deploy.StatusOf(stack));
            Assert.Equal(sha, pipeline.Repo.Running(stack));
            Assert.Equal([stack], pipeline.StacksTouchedBy(deploy.RunId, $"{stack}/deploy"));
            Assert.Equal([stack], pipeline.StacksTouchedBy(ci.RunId, $"preview-main ({stack})"));
            Assert.Equal([$"{stack} preview"], pipeline.PulumiCalls(ci.RunId, "preview").Where(c => c.StartsWith(stack + " ", StringComparison.Ordinal)));
        }

        // Each stack: read the tags and (first deploy) the history, mark, up, record, clear the mark, DNS records.
        Assert.Equal(
            Pipeline.Stacks.SelectMany(s => new[] { $"{s} stack tag ls", $"{s} stack history", $"{s} stack tag set", $"{s} up", $"{s} stack tag set", $"{s} stack tag ls", $"{s} stack tag rm", $"{s} stack output dnsRecords" }),
            pipeline.PulumiCalls(deploy.RunId).Where(c => !c.EndsWith(" login", StringComparison.Ordinal)));
        Assert.Equal(pipeline.Repo.Running("dev"), pipeline.Repo.Running("prod"));
        // No app yet: the stacks pass with a notice instead of a red "no functions deployed".
        Assert.Equal(3, deploy.Annotations.Count(a => a.Level == "notice" && a.Title == "no app functions deployed"));
        Assert.Contains("| prod | success | https://api.prod.convex.example.com |", deploy["outputs"].Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_first_push_with_no_variables_is_green_with_notices_and_touches_no_stack()
    {
        using var pipeline = new Pipeline();
        var sha = pipeline.Commit("first commit");

        var (ci, deploy) = pipeline.Push(sha);

        Assert.True(ci.Conclusion == "success", ci.Describe());
        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        Assert.Contains(ci.Annotations, a => a.Title == "pulumi preview skipped" && a.Message.Contains("AWS_PREVIEW_ROLE_ARN", StringComparison.Ordinal));
        Assert.Contains(deploy.Annotations, a => a.Title == "no stacks set up" && a.Message.Contains("CONVEX_STACKS", StringComparison.Ordinal));
        Assert.Empty(pipeline.Repo.Calls("pulumi"));
        Assert.DoesNotContain(ci.Annotations, a => a.Level == "error");
    }

    /// <summary>Each documented repository variable set alone: never a red run, always a notice naming what is missing.</summary>
    [Theory]
    [InlineData("AWS_PREVIEW_ROLE_ARN", "arn:aws:iam::111111111111:role/convex-infra-github-preview-dev", "CONVEX_STACKS")]
    [InlineData("CONVEX_STACKS", "[\"dev\",\"staging\",\"prod\"]", "AWS_DEPLOY_ROLE_ARN")]
    [InlineData("CONVEX_PREVIEW_STACKS", "[\"dev\"]", "CONVEX_STACKS")]
    [InlineData("PULUMI_BACKEND_URL", "s3://acme-convex-infra-state", "CONVEX_STACKS")]
    [InlineData("AWS_REGION", "eu-central-1", "CONVEX_STACKS")]
    [InlineData("PULUMI_ORG", "acme", "CONVEX_STACKS")]
    [InlineData("CONVEX_APP_PATH", "app", "CONVEX_STACKS")]
    [InlineData("CONVEX_EXPECT_FUNCTION", "messages:list", "CONVEX_STACKS")]
    public void Each_variable_alone_gives_a_notice_never_a_red_run(string variable, string value, string named)
    {
        using var pipeline = new Pipeline();
        pipeline.Repo.Vars[variable] = value;
        var sha = pipeline.Commit("first commit");

        var (ci, deploy) = pipeline.Push(sha);
        var pullRequest = pipeline.Ci(Trigger.PullRequest(sha, 1));
        var drift = pipeline.Runner.Run("drift.yml", Trigger.Schedule(sha));

        foreach (var run in new[] { ci, deploy, pullRequest, drift })
        {
            Assert.True(run.Conclusion == "success", run.Describe());
        }

        Assert.Contains(ci.Annotations.Concat(deploy.Annotations), a => a.Level == "notice" && a.Message.Contains(named, StringComparison.Ordinal));
        Assert.DoesNotContain(pipeline.Repo.Calls("pulumi"), c => c.Verb is "up" or "preview" or "refresh");
    }
}
