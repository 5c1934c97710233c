using System.Text.Json.Nodes;

namespace ConvexInfra.Core.Tests.Workflows.Simulator;

/// <summary>What starts a run: the event, its ref and commit, who triggered it, and the event payload.</summary>
internal sealed record Trigger(string EventName, string Ref, string Sha, JsonObject Event)
{
    public string Actor { get; init; } = "octocat";

    /// <summary>Per-run answers of environment reviewers (environment → answer); unlisted ones approve.</summary>
    public Dictionary<string, Approval> Approvals { get; init; } = [];

    public static Trigger Push(string sha) =>
        new("push", "refs/heads/main", sha, new JsonObject { ["after"] = sha, ["ref"] = "refs/heads/main" });

    public static Trigger Dispatch(string sha, string gitRef = "refs/heads/main") =>
        new("workflow_dispatch", gitRef, sha, new JsonObject { ["ref"] = gitRef });

    public static Trigger Schedule(string sha) => new("schedule", "refs/heads/main", sha, new JsonObject { ["schedule"] = "17 6 * * *" });

    public static Trigger PullRequest(string sha, int number, string headRepository = SimRepo.Repository, string actor = "octocat") =>
        new("pull_request", $"refs/pull/{number}/merge", sha, new JsonObject
        {
            ["number"] = number,
            ["pull_request"] = new JsonObject
            {
                ["number"] = number,
                ["head"] = new JsonObject { ["sha"] = sha, ["repo"] = new JsonObject { ["full_name"] = headRepository } },
                ["user"] = new JsonObject { ["login"] = actor },
            },
        })
        { Actor = actor };

    /// <summary>deploy.yml's trigger: a completed ci run (its conclusion, event and commit).</summary>
    public static Trigger WorkflowRun(RunResult ci, Trigger ciTrigger, string mainHead) =>
        new("workflow_run", "refs/heads/main", mainHead, new JsonObject
        {
            ["workflow_run"] = new JsonObject
            {
                ["conclusion"] = ci.Conclusion,
                ["event"] = ciTrigger.EventName,
                ["head_sha"] = ciTrigger.Sha,
                ["head_branch"] = "main",
                ["head_repository"] = new JsonObject { ["full_name"] = SimRepo.Repository },
                ["html_url"] = $"https://github.com/{SimRepo.Repository}/actions/runs/{ci.RunId}",
            },
        });
}
