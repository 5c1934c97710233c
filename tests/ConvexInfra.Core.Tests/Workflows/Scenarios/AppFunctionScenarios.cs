using ConvexInfra.Core.Tests.Workflows.Simulator;

namespace ConvexInfra.Core.Tests.Workflows.Scenarios;

/// <summary>
/// Failure mode 1: after `pulumi up` the deploy job deploys the app's Convex functions (a folder of this repository,
/// or another repository at a pinned commit), then verifies them with --expect-function.
/// </summary>
public sealed class AppFunctionScenarios
{
    private static void WriteApp(string root, params string[] functions)
    {
        Directory.CreateDirectory(Path.Combine(root, "convex"));
        File.WriteAllText(Path.Combine(root, "package.json"), """{"name":"acme-app","dependencies":{"convex":"1.29.0"}}""");
        File.WriteAllText(Path.Combine(root, "package-lock.json"), """{"lockfileVersion":3}""");
        File.WriteAllLines(Path.Combine(root, "convex", "messages.ts"), functions.Select(f => $"export const {f} = query({{ handler: async () => [] }});"));
    }

    [Fact]
    public void The_app_folder_of_this_repository_is_deployed_to_every_stack_after_up_and_verified()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Repo.Vars["CONVEX_APP_PATH"] = "app";
        pipeline.Repo.Vars["CONVEX_EXPECT_FUNCTION"] = "messages:list";
        var sha = pipeline.Commit("app", root => WriteApp(Path.Combine(root, "app"), "list", "send"));

        var (_, deploy) = pipeline.Push(sha);

        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        foreach (var stack in Pipeline.Stacks)
        {
            Assert.Equal("messages:list\nmessages:send", pipeline.Repo.Read($"functions/{stack}"));
            var calls = pipeline.Repo.Calls(null).Where(c => c.Run == deploy.RunId && c.Job == $"{stack}/deploy").Select(c => $"{c.Tool} {c.Args.Split(' ')[0]}").ToList();
            Assert.True(calls.IndexOf("pulumi up") < calls.IndexOf("npx convex") && calls.IndexOf("npx convex") < calls.IndexOf("convex-infra verify"), string.Join(", ", calls));
        }

        Assert.All(pipeline.Repo.Calls("convex-infra").Where(c => c.Args.StartsWith("verify", StringComparison.Ordinal)),
            c => Assert.EndsWith("--expect-function messages:list", c.Args, StringComparison.Ordinal));
        Assert.DoesNotContain(deploy.Annotations, a => a.Title == "no app functions deployed");
        // The admin key only sat in the app folder's .env.local during the deploy.
        Assert.Empty(Directory.GetFiles(Path.Combine(pipeline.Repo.Root, "runs"), ".env.local", SearchOption.AllDirectories));
    }

    [Fact]
    public void An_app_in_another_repository_is_deployed_from_its_pinned_commit()
    {
        using var pipeline = new Pipeline().Documented();
        using var app = new SimRepo();
        var pinned = app.Commit("app v1", root => WriteApp(root, "list"));
        app.Commit("app v2, not pinned", root => WriteApp(root, "list", "unreleased"));
        pipeline.Repo.OtherRepos["acme/app"] = app.Origin;
        pipeline.Repo.Vars["CONVEX_APP_REPOSITORY"] = "acme/app";
        pipeline.Repo.Vars["CONVEX_APP_REF"] = pinned;
        pipeline.Repo.Vars["CONVEX_EXPECT_FUNCTION"] = "messages:list";

        var (_, deploy) = pipeline.Push(pipeline.Commit("infra"));

        Assert.True(deploy.Conclusion == "success", deploy.Describe());
        Assert.Equal("messages:list", pipeline.Repo.Read("functions/prod"));
    }

    [Fact]
    public void An_app_repository_without_a_pinned_commit_fails_before_any_pulumi_call()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Repo.Vars["CONVEX_APP_REPOSITORY"] = "acme/app";
        pipeline.Repo.Vars["CONVEX_APP_REF"] = "main";

        var (_, deploy) = pipeline.Push(pipeline.Commit("infra"));

        Assert.Equal(JobStatus.Failure, deploy.StatusOf("dev"));
        Assert.Empty(pipeline.PulumiCalls(deploy.RunId));
        Assert.Contains(deploy.Annotations, a => a.Title == "CONVEX_APP_REF must pin a commit");
    }

    [Fact]
    public void An_expected_function_the_app_does_not_export_fails_verify()
    {
        using var pipeline = new Pipeline().Documented();
        pipeline.Repo.Vars["CONVEX_APP_PATH"] = "app";
        pipeline.Repo.Vars["CONVEX_EXPECT_FUNCTION"] = "messages:missing";

        var (_, deploy) = pipeline.Push(pipeline.Commit("app", root => WriteApp(Path.Combine(root, "app"), "list")));

        Assert.Equal(JobStatus.Failure, deploy.StatusOf("dev"));
        Assert.Contains(deploy["dev/deploy"].Log, l => l.Contains("function 'messages:missing' is not deployed", StringComparison.Ordinal));
    }
}
