using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The workflow half of stage isolation: pull requests preview only the stacks of CONVEX_PREVIEW_STACKS (checked by
/// .github/scripts/pull-request-stack.sh against the stack files) without an environment; every other preview and
/// the drift check run on main in the stack's preview environment, whose OIDC subject only that stack's role trusts.
/// </summary>
public sealed class PreviewIsolationTests : IDisposable
{
    private static readonly string Script = Path.Combine(WorkflowYaml.Root, ".github", "scripts", "pull-request-stack.sh");

    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Pull_request_previews_run_only_for_pull_requests_over_the_marked_stacks_without_an_environment()
    {
        var job = WorkflowYaml.Load("ci.yml").Map("jobs").Map("preview");
        var steps = job.Steps();
        var check = steps.Select((s, i) => (s, i)).Single(p => p.s.Text("run") == "bash .github/scripts/pull-request-stack.sh \"$STACK_NAME\"").i;
        var credentials = steps.Select((s, i) => (s, i)).Single(p => p.s.Text("uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true).i;

        Assert.Contains("github.event_name == 'pull_request'", job.Text("if"), StringComparison.Ordinal);
        // The stacks come from the plan job: CONVEX_PREVIEW_STACKS (default ["dev"]) that CONVEX_STACKS lists, checked
        // against the stack files by .github/scripts/convex-stacks.sh.
        Assert.Equal("${{ fromJSON(needs.plan.outputs.pull-request) }}", job.Map("strategy").Map("matrix").Text("stack"));
        Assert.False(job.Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("environment")), "a pull-request job in an environment would get that environment's subject and secrets");
        Assert.Equal("${{ matrix.stack }}", steps[check].Map("env").Text("STACK_NAME"));
        Assert.True(check < credentials, "the stack is checked before the job asks for credentials");
    }

    [Theory]
    [InlineData("ci.yml", "preview-main")]
    [InlineData("drift.yml", "refresh")]
    public void Main_previews_and_drift_checks_run_in_the_stacks_preview_environment_on_main_only(string file, string jobName)
    {
        var job = WorkflowYaml.Load(file).Map("jobs").Map(jobName);

        Assert.Equal("preview-${{ matrix.stack }}", job.Map("environment").Text("name"));
        Assert.Contains("github.ref == 'refs/heads/main'", job.Text("if"), StringComparison.Ordinal);
        Assert.DoesNotContain("pull-requests", job.Map("permissions").Children.Keys.Select(k => k.ToString()));
        var credentials = job.Steps().Single(s => s.Text("uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
        Assert.Equal("${{ vars.AWS_PREVIEW_ROLE_ARN }}", credentials.Map("with").Text("role-to-assume"));
        if (file == "ci.yml")
        {
            Assert.Contains("github.event_name != 'pull_request'", job.Text("if"), StringComparison.Ordinal);
        }
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void The_stack_check_allows_dev_tier_stacks_with_a_file_and_refuses_later_stages_local_and_missing_ones()
    {
        dir.Write("Pulumi.dev.yaml", "config:\n  convex-infra:target: aws-ec2\n");
        dir.Write("Pulumi.qa.yaml", "config:\n  convex-infra:target: aws-ec2\n  convex-infra:tier: dev\n");
        dir.Write("Pulumi.hotfix.yaml", "config:\n  convex-infra:target: aws-ec2\n  convex-infra:tier: prod  # same as prod\n");
        dir.Write("Pulumi.laptop.yaml", "config:\n  convex-infra:target: local\n");
        dir.Write("Pulumi.prod.yaml", "config:\n  convex-infra:target: aws-ec2\n");

        Assert.Equal(0, Run("dev").ExitCode);
        Assert.Equal(0, Run("qa").ExitCode);
        var prod = Run("prod");
        Assert.Equal(1, prod.ExitCode);
        Assert.Contains("::error title=no pull-request preview of prod::", prod.Stdout, StringComparison.Ordinal);
        Assert.Contains("preview-prod", prod.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, Run("staging").ExitCode);
        Assert.Equal(1, Run("ecs").ExitCode);
        Assert.Contains("sets a staging or prod tier", Run("hotfix").Stdout, StringComparison.Ordinal);
        Assert.Contains("local stack", Run("laptop").Stdout, StringComparison.Ordinal);
        Assert.Contains("there is no Pulumi.missing.yaml", Run("missing").Stdout, StringComparison.Ordinal);
        Assert.Equal(2, Run("../prod").ExitCode);
        Assert.Equal(2, Run("").ExitCode);
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void The_repository_stacks_previewed_on_pull_requests_by_default_pass_the_check()
    {
        var dev = ExternalTool.Run("bash", [Script, "dev"], workingDirectory: WorkflowYaml.Root);
        var prod = ExternalTool.Run("bash", [Script, "prod"], workingDirectory: WorkflowYaml.Root);

        Assert.True(dev.ExitCode == 0, dev.Output);
        Assert.Equal(1, prod.ExitCode);
    }

    private ToolResult Run(string stack) => ExternalTool.Run("bash", [Script, stack], workingDirectory: dir.Path);
}
