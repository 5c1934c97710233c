using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>The promises docs/cicd.md makes about the workflows, checked on the committed YAML.</summary>
public partial class WorkflowRulesTests
{
    [Fact]
    public void Every_workflow_defaults_to_read_only_contents()
    {
        foreach (var file in WorkflowYaml.Files())
        {
            var permissions = WorkflowYaml.Load(Path.GetFileName(file)).Map("permissions");
            Assert.Equal("read", permissions.Text("contents"));
            Assert.Single(permissions.Children);
        }
    }

    [Fact]
    public void Every_action_is_pinned_to_a_full_commit_sha_with_its_tag_in_a_comment()
    {
        var uses = WorkflowYaml.Jobs()
            .SelectMany(job => job.Node.Steps().Select(step => step.Text("uses")).Append(job.Node.Text("uses")))
            .OfType<string>()
            .Where(u => !u.StartsWith("./", StringComparison.Ordinal))
            .ToList();
        var lines = WorkflowYaml.Files().SelectMany(File.ReadAllLines).Where(l => UsesLine().IsMatch(l)).ToList();

        Assert.True(uses.Count >= 10, $"expected the workflows' actions, found {uses.Count}");
        Assert.All(uses, action => Assert.Matches(PinnedAction(), action));
        // YAML drops comments, so the tag comment is checked on the raw lines (Dependabot rewrites both together).
        Assert.Equal(uses.Count, lines.Count(l => !l.Contains("uses: ./", StringComparison.Ordinal)));
        Assert.All(lines.Where(l => !l.Contains("uses: ./", StringComparison.Ordinal)), line => Assert.Matches(PinnedLine(), line));
    }

    [Fact]
    public void Dependabot_updates_the_pinned_actions_and_the_nuget_packages()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(WorkflowYaml.Root, ".github", "dependabot.yml")))
        {
            stream.Load(reader);
        }

        var updates = ((YamlSequenceNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("updates")]).Children
            .Cast<YamlMappingNode>()
            .ToList();

        Assert.Equal(["github-actions", "nuget"], updates.Select(u => u.Text("package-ecosystem")).Order(StringComparer.Ordinal));
        Assert.All(updates, u => Assert.Equal("/", u.Text("directory")));
        Assert.All(updates, u => Assert.NotNull(u.Map("schedule").Text("interval")));
    }

    [Fact]
    public void No_workflow_uses_long_lived_aws_keys()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(WorkflowYaml.Root, ".github"), "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("aws-access-key-id", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("AWS_SECRET_ACCESS_KEY", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Deploy_promotes_dev_then_staging_then_prod_with_the_same_commit()
    {
        var jobs = WorkflowYaml.Load("deploy.yml").Map("jobs");

        Assert.Equal(["gate"], WorkflowYaml.Needs(jobs.Map("dev")));
        Assert.Equal(["dev", "gate"], WorkflowYaml.Needs(jobs.Map("staging")).Order(StringComparer.Ordinal));
        Assert.Equal(["gate", "staging"], WorkflowYaml.Needs(jobs.Map("prod")).Order(StringComparer.Ordinal));
        Assert.Equal(["gate", "staging"], WorkflowYaml.Needs(jobs.Map("ecs")).Order(StringComparer.Ordinal));
        foreach (var stack in new[] { "dev", "staging", "prod", "ecs" })
        {
            var job = jobs.Map(stack);
            Assert.Equal("./.github/workflows/deploy-stack.yml", job.Text("uses"));
            Assert.Equal(stack, job.Map("with").Text("stack"));
            // One commit for every stack: the one the successful ci run tested, as the gate job found it.
            Assert.Equal("${{ needs.gate.outputs.sha }}", job.Map("with").Text("ref"));
            Assert.Equal("write", job.Map("permissions").Text("id-token"));
            Assert.Contains($"contains(fromJSON(needs.gate.outputs.stacks || '[]'), '{stack}')", job.Text("if"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_stack_deploys_in_its_environment_and_verifies_before_publishing()
    {
        var job = WorkflowYaml.Load("deploy-stack.yml").Map("jobs").Map("deploy");

        Assert.Equal("${{ inputs.stack }}", job.Map("environment").Text("name"));
        // No concurrency group: GitHub takes it before the reviewers answer, so an unanswered approval would block
        // every later run of the stack (FailureModeScenarios.An_unanswered_approval_does_not_block_a_newer_push…).
        Assert.False(job.Children.ContainsKey(new YamlScalarNode("concurrency")));

        var steps = job.Steps().ToList();
        int IndexOf(Func<YamlMappingNode, bool> match) => steps.Select((step, i) => (step, i)).Single(p => match(p.step)).i;
        var checkout = steps.FindIndex(s => s.Text("uses")?.StartsWith("actions/checkout@", StringComparison.Ordinal) == true);
        var credentials = IndexOf(s => s.Text("uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
        var up = IndexOf(s => s.Text("uses")?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true && s.Map("with").Text("command") == "up");
        var verify = IndexOf(s => s.Text("run")?.Contains("convex-infra verify \"${args[@]}\"", StringComparison.Ordinal) == true);
        var publish = IndexOf(s => s.Text("run")?.Contains("convex-infra env --stack \"$STACK\" --format github", StringComparison.Ordinal) == true);

        Assert.Equal("${{ inputs.ref }}", steps[checkout].Map("with").Text("ref"));
        Assert.Equal("0", steps[checkout].Map("with").Text("fetch-depth"));
        Assert.Equal("${{ vars.AWS_DEPLOY_ROLE_ARN }}", steps[credentials].Map("with").Text("role-to-assume"));
        Assert.Equal("up", steps[up].Map("with").Text("command"));
        Assert.Equal("true", steps[up].Map("with").Text("suppress-outputs"));
        Assert.True(checkout < credentials && credentials < up && up < verify && verify < publish, "order: checkout, credentials, up, verify, env");

        // Masked outputs never cross jobs: only the URLs leave the job, never the admin key.
        var outputs = job.Map("outputs").Children.Values.Select(v => v.ToString()).ToList();
        Assert.All(outputs, value => Assert.DoesNotContain("adminKey", value, StringComparison.Ordinal));
    }

    [Fact]
    public void Pull_request_previews_skip_forks_and_comment_on_the_pull_request()
    {
        var jobs = WorkflowYaml.Load("ci.yml").Map("jobs");
        var preview = jobs.Map("preview");

        Assert.Contains("github.event.pull_request.head.repo.full_name == github.repository", preview.Text("if"), StringComparison.Ordinal);
        Assert.Contains("vars.AWS_PREVIEW_ROLE_ARN != ''", preview.Text("if"), StringComparison.Ordinal);
        Assert.Equal("write", preview.Map("permissions").Text("pull-requests"));
        Assert.Equal("write", preview.Map("permissions").Text("id-token"));
        var pulumi = preview.Steps().Single(s => s.Text("uses")?.StartsWith("pulumi/actions@", StringComparison.Ordinal) == true).Map("with");
        Assert.Equal("preview", pulumi.Text("command"));
        Assert.Equal("${{ github.event_name == 'pull_request' }}", pulumi.Text("comment-on-pr"));
        var plan = jobs.Map("plan").Steps().Single(s => s.Text("id") == "plan").Text("run")!;
        Assert.Contains("if [ \"$HEAD_REPO\" != \"$GITHUB_REPOSITORY\" ]; then", plan, StringComparison.Ordinal);
        Assert.Contains("if [ \"$GITHUB_ACTOR\" = \"dependabot[bot]\" ]; then", plan, StringComparison.Ordinal);
        Assert.Equal(["plan", "test"], WorkflowYaml.Needs(preview).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ci_runs_the_same_commands_as_the_ci_entry_point_in_the_same_order()
    {
        var runs = WorkflowYaml.Load("ci.yml").Map("jobs").Map("test").Steps().Select(s => s.Text("run")).OfType<string>().ToList();
        var entryPoint = File.ReadAllLines(Path.Combine(WorkflowYaml.Root, ".ci", "run"))
            .Where(l => l.StartsWith("bash ", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(["bash scripts/check-format.sh", "bash scripts/test.sh"], entryPoint);
        Assert.Equal(entryPoint, runs);
    }

    [Fact]
    public void Drift_is_scheduled_and_uses_the_read_only_role_and_the_drift_script()
    {
        var drift = WorkflowYaml.Load("drift.yml");
        var cron = ((YamlMappingNode)((YamlSequenceNode)drift.Map("on").Children[new YamlScalarNode("schedule")]).Children[0]).Text("cron");
        var job = drift.Map("jobs").Map("refresh");

        Assert.Matches(@"^\S+ \S+ \S+ \S+ \S+$", cron);
        Assert.Equal("false", job.Map("strategy").Text("fail-fast"));
        Assert.Contains(job.Steps(), s => s.Text("run") == "bash .github/scripts/drift-check.sh \"$STACK\"");
        var credentials = job.Steps().Single(s => s.Text("uses")?.StartsWith("aws-actions/configure-aws-credentials@", StringComparison.Ordinal) == true);
        Assert.Equal("${{ vars.AWS_PREVIEW_ROLE_ARN }}", credentials.Map("with").Text("role-to-assume"));
        Assert.DoesNotContain(job.Steps(), s => s.Text("run")?.Contains("--yes", StringComparison.Ordinal) == true);
        Assert.Contains(job.Steps(), s => s.Text("if") == "${{ failure() && steps.drift.outputs.drift == 'true' }}"
            && s.Text("run")?.Contains("gh issue create", StringComparison.Ordinal) == true);
        Assert.Equal("write", job.Map("permissions").Text("issues"));
    }

    [Fact]
    public void The_local_stack_is_never_deployed_by_ci()
    {
        foreach (var file in WorkflowYaml.Files())
        {
            var text = File.ReadAllText(file);
            Assert.DoesNotContain("\"local\"", text, StringComparison.Ordinal);
            Assert.DoesNotContain("stack: local", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_pulumi_cli_version_is_pinned_to_one_that_takes_no_lock_for_a_refresh_preview()
    {
        var version = File.ReadAllText(Path.Combine(WorkflowYaml.Root, ".github", "pulumi-version")).Trim();

        Assert.True(Version.TryParse(version, out var parsed), $"'{version}' is not a version");
        Assert.True(parsed >= new Version(3, 229, 0), "refresh --preview-only locks diy stacks before 3.229.0");
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")]
    private static partial Regex PinnedAction();

    [GeneratedRegex(@"^\s*(-\s+)?uses:\s")]
    private static partial Regex UsesLine();

    [GeneratedRegex(@"uses: [A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}  # v[0-9]+(\.[0-9]+){0,2}$")]
    private static partial Regex PinnedLine();
}
