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
        }

        Assert.Equal(["dev up", "staging up", "prod up"], pipeline.PulumiCalls(deploy.RunId, "up"));
        Assert.Equal(pipeline.Repo.Running("dev"), pipeline.Repo.Running("prod"));
        // No app yet: the stacks pass with a notice instead of a red "no functions deployed".
        Assert.Contains(deploy.Annotations, a => a.Level == "notice" && a.Title == "no app functions deployed");
    }
}
