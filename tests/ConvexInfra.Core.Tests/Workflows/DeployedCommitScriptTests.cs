using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// Runs .github/scripts/deployed-commit.sh (what deploy-stack.yml runs around `pulumi up`) under bash, in a real git
/// repository (main: A → B → C, and a side branch S off A), with a stand-in pulumi on PATH that answers
/// `stack tag ls --json` and `stack history --json` and records every call.
/// </summary>
[Trait("Category", "Tools")]
public sealed class DeployedCommitScriptTests : IDisposable
{
    private readonly TempDir dir = new();
    private readonly string repo;
    private readonly Dictionary<string, string> commits = new(StringComparer.Ordinal);

    public DeployedCommitScriptTests()
    {
        repo = Path.Combine(dir.Path, "repo");
        Directory.CreateDirectory(repo);
        Git("init", "-q", "-b", "main");
        foreach (var name in new[] { "A", "B", "C" })
        {
            Commit(name);
        }

        Git("checkout", "-q", "-b", "side", commits["A"]);
        Commit("S");
        Git("checkout", "-q", "main");
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public void A_stack_without_tags_and_without_history_takes_any_commit_as_its_first_deploy()
    {
        var result = Check(tag: null, "C");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("::notice title=first deploy of prod::the stack was never updated", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["stack tag ls --json --stack prod", "stack history --json --stack prod"], PulumiCalls());
    }

    [Fact]
    public void No_tags_but_an_update_history_or_an_unreadable_history_is_never_a_first_deploy()
    {
        var updated = Run(["check", "prod", commits["C"]], history: """[{"kind":"update","result":"succeeded"}]""");
        Assert.Equal(2, updated.ExitCode);
        Assert.Contains("has been updated before but has no convex-infra:deployed-sha tag", updated.Stdout, StringComparison.Ordinal);

        // The diy backend answers a tag read of a stack it could not read with no tags: the history read tells.
        var unreadable = Run(["check", "prod", commits["C"]], historyExit: 255, historyStderr: "error: failed to load checkpoint: AccessDenied");
        Assert.Equal(2, unreadable.ExitCode);
        Assert.Contains("AccessDenied", unreadable.Stderr, StringComparison.Ordinal);
        Assert.Contains("::error title=could not read prod::", unreadable.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("first deploy", unreadable.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A", "C")]
    [InlineData("B", "C")]
    [InlineData("C", "C")]
    public void A_descendant_or_the_same_commit_deploys(string deployed, string next)
    {
        var result = Check(deployed, next);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("::error", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("C", "B")]
    [InlineData("C", "A")]
    [InlineData("B", "S")]
    public void An_older_or_unrelated_commit_is_refused_with_what_to_do(string deployed, string next)
    {
        var result = Check(deployed, next);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"::error title=older commit refused on prod::prod already runs {commits[deployed]}, and {commits[next]} does not descend from it",
            result.Stdout,
            StringComparison.Ordinal);
        Assert.Contains("Approve the newest run of deploy instead", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("A", "C", "B", 1)]
    [InlineData("A", "C", "C", 0)]
    [InlineData("A", "B", "C", 0)]
    public void A_deploy_that_did_not_finish_refuses_every_commit_it_does_not_lead_to(string deployed, string deploying, string next, int exit)
    {
        var result = Run(["check", "prod", commits[next]], deployed: commits[deployed], deploying: commits[deploying]);

        Assert.True(result.ExitCode == exit, result.Output);
        if (exit == 1)
        {
            Assert.Contains($"prod started deploying (a deploy that did not finish, so the stack may run part of it) {commits[deploying]}", result.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_deployed_commit_missing_from_the_checkout_asks_for_the_full_history()
    {
        var result = Check("0123456789abcdef0123456789abcdef01234567", "C", literalTag: true);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("which this checkout does not have", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("fetch-depth: 0", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tag_that_is_not_a_sha_or_a_failing_backend_stops_the_deploy()
    {
        var garbage = Check("yesterday", "C", literalTag: true);
        Assert.Equal(2, garbage.ExitCode);
        Assert.Contains("the stack tag convex-infra:deployed-sha holds 'yesterday', not a commit SHA", garbage.Stdout, StringComparison.Ordinal);

        var failing = Run(["check", "prod", commits["C"]], lsExit: 255, lsStderr: "error: AccessDenied: s3:GetObject");
        Assert.Equal(2, failing.ExitCode);
        Assert.Contains("AccessDenied", failing.Stderr, StringComparison.Ordinal);
        Assert.Contains("pulumi stack tag ls exited 255; the commit-order check fails closed", failing.Stdout, StringComparison.Ordinal);

        var noStack = Run(["check", "prod", commits["C"]], lsExit: 255, lsStderr: "error: no stack named 'prod' found");
        Assert.Equal(2, noStack.ExitCode);
        Assert.DoesNotContain("first deploy", noStack.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Begin_marks_the_deploy_and_record_stores_the_commit_and_clears_its_own_mark()
    {
        var begin = Run(["begin", "acme/prod", commits["C"]]);
        var record = Run(["record", "acme/prod", commits["C"]], deploying: commits["C"]);

        Assert.True(begin.ExitCode == 0 && record.ExitCode == 0, begin.Output + record.Output);
        Assert.Equal(
            [
                $"stack tag set convex-infra:deploying {commits["C"]} --stack acme/prod",
                $"stack tag set convex-infra:deployed-sha {commits["C"]} --stack acme/prod",
                "stack tag ls --json --stack acme/prod",
                "stack tag rm convex-infra:deploying --stack acme/prod",
            ],
            PulumiCalls());
    }

    [Fact]
    public void Record_leaves_the_mark_of_another_commits_deploy()
    {
        var record = Run(["record", "prod", commits["B"]], deploying: commits["C"]);

        Assert.True(record.ExitCode == 0, record.Output);
        Assert.DoesNotContain(PulumiCalls(), c => c.StartsWith("stack tag rm", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("check", "prod", "")]
    [InlineData("deploy", "prod", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("check", "prod", "HEAD")]
    public void Bad_usage_is_an_error_that_says_what_is_expected(string mode, string stack, string sha)
    {
        var result = Run([mode, stack, sha]);

        Assert.Equal(2, result.ExitCode);
        Assert.True(
            result.Stderr.Contains("usage: deployed-commit.sh check|begin|record STACK SHA", StringComparison.Ordinal)
            || result.Stdout.Contains("is not a full 40-character commit SHA", StringComparison.Ordinal),
            result.Output);
    }

    private ToolResult Check(string? tag, string next, bool literalTag = false) =>
        Run(["check", "prod", commits[next]], deployed: tag is null ? null : literalTag ? tag : commits[tag]);

    /// <summary>Runs the script with a stand-in pulumi: `stack tag ls --json` answers the given tags (or fails),
    /// `stack history --json` the given history (or fails); every call is recorded.</summary>
    private ToolResult Run(string[] arguments, string? deployed = null, string? deploying = null, int lsExit = 0, string lsStderr = "",
        string history = "[]", int historyExit = 0, string historyStderr = "")
    {
        var bin = Path.Combine(dir.Path, "bin");
        Directory.CreateDirectory(bin);
        var log = Path.Combine(dir.Path, "pulumi-calls");
        var tags = new System.Text.Json.Nodes.JsonObject();
        if (deployed is not null)
        {
            tags["convex-infra:deployed-sha"] = deployed;
        }

        if (deploying is not null)
        {
            tags["convex-infra:deploying"] = deploying;
        }

        dir.Write(
            "bin/pulumi",
            $"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{log}'
            case "$1 $2 $3" in
              "stack tag ls") printf '%s' '{(lsExit == 0 ? tags.ToJsonString() : "")}'; printf '%s\n' '{lsStderr}' >&2; exit {lsExit} ;;
              "stack history --json") printf '%s' '{(historyExit == 0 ? history : "")}'; printf '%s\n' '{historyStderr}' >&2; exit {historyExit} ;;
            esac
            exit 0
            """.ReplaceLineEndings("\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        return ExternalTool.Run("bash", [Script, .. arguments], repo, new Dictionary<string, string>
        {
            ["PATH"] = $"{bin}:{Environment.GetEnvironmentVariable("PATH")}",
        });
    }

    private string[] PulumiCalls() => File.ReadAllLines(Path.Combine(dir.Path, "pulumi-calls"));

    private static string Script => Path.Combine(WorkflowYaml.Root, ".github", "scripts", "deployed-commit.sh");

    private void Commit(string name)
    {
        File.WriteAllText(Path.Combine(repo, "file.txt"), name);
        Git("add", "file.txt");
        Git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", name);
        commits[name] = ExternalTool.Run("git", ["rev-parse", "HEAD"], repo).Stdout.Trim();
    }

    private void Git(params string[] arguments)
    {
        var result = ExternalTool.Run("git", arguments, repo);
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result.Output}");
    }
}
