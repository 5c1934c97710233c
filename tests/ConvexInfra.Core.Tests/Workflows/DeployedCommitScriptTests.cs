using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// Runs .github/scripts/deployed-commit.sh (what deploy-stack.yml runs around `pulumi up`) under bash, in a real git
/// repository (main: A → B → C, and a side branch S off A), with a stand-in pulumi on PATH that answers
/// `stack tag get` from a file and records `stack tag set`.
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
    public void A_stack_without_the_tag_takes_any_commit_as_its_first_deploy()
    {
        var result = Check(tag: null, "C");

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("::notice title=first deploy of prod::the stack has no convex-infra:deployed-sha tag yet", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("stack tag get convex-infra:deployed-sha --stack prod", PulumiCalls().Single());
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

        var failing = Run(["check", "prod", commits["C"]], tagGetExit: 255, tagGetStderr: "error: AccessDenied: s3:GetObject");
        Assert.Equal(2, failing.ExitCode);
        Assert.Contains("AccessDenied", failing.Stderr, StringComparison.Ordinal);
        Assert.Contains("could not read the stack tag convex-infra:deployed-sha (pulumi exited 255)", failing.Stdout, StringComparison.Ordinal);

        var noStack = Run(["check", "prod", commits["C"]], tagGetExit: 255, tagGetStderr: "error: no stack named 'prod' found");
        Assert.Equal(2, noStack.ExitCode);
        Assert.DoesNotContain("first deploy", noStack.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Record_stores_the_commit_in_the_stack_tag()
    {
        var result = Run(["record", "acme/prod", commits["C"]]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal($"stack tag set convex-infra:deployed-sha {commits["C"]} --stack acme/prod", PulumiCalls().Single());
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
            result.Stderr.Contains("usage: deployed-commit.sh check|record STACK SHA", StringComparison.Ordinal)
            || result.Stdout.Contains("is not a full 40-character commit SHA", StringComparison.Ordinal),
            result.Output);
    }

    private ToolResult Check(string? tag, string next, bool literalTag = false) =>
        Run(["check", "prod", commits[next]], tagValue: tag is null ? null : literalTag ? tag : commits[tag]);

    private ToolResult Run(string[] arguments, string? tagValue = null, int tagGetExit = 0, string? tagGetStderr = null)
    {
        var bin = Path.Combine(dir.Path, "bin");
        Directory.CreateDirectory(bin);
        var log = Path.Combine(dir.Path, "pulumi-calls");
        var (exit, stderr) = tagValue is null && tagGetStderr is null
            ? (255, "error: stack tag 'convex-infra:deployed-sha' not found for stack 'prod'")
            : (tagGetExit, tagGetStderr ?? "");
        dir.Write(
            "bin/pulumi",
            $"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{log}'
            if [ "$1 $2 $3" = "stack tag get" ]; then
              printf '%s' '{tagValue}'
              printf '%s\n' '{stderr}' >&2
              exit {exit}
            fi
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
