using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>The host scripts ship without comments and indentation so that the tooling fits its one SSM parameter.</summary>
public class HostToolingCompactTests
{
    [Fact]
    public void Compact_drops_comment_lines_and_indentation_but_keeps_the_shebang_and_shellcheck_directives()
    {
        const string script = "#!/usr/bin/env bash\n# why\nf() {\n  # how\n  echo \"a # b\" # trailing\n}\n# shellcheck source=/dev/null\n. x\n";

        Assert.Equal("#!/usr/bin/env bash\nf() {\necho \"a # b\" # trailing\n}\n# shellcheck source=/dev/null\n. x\n", HostTooling.Compact(script));
    }

    [Theory]
    [InlineData("cat <<EOF\n  x\nEOF\n")]
    [InlineData("cat <<-EOF\n\tx\nEOF\n")]
    public void Compact_refuses_a_heredoc_whose_text_it_would_change(string script)
    {
        Assert.Throws<ArgumentException>(() => HostTooling.Compact("#!/bin/bash\n" + script));
    }

    [Fact]
    public void The_host_runs_the_compacted_release_script_whose_source_keeps_its_comments()
    {
        var shipped = HostTooling.Files(TestSpecs.Ec2Prod).Single(f => f.Path == HostLayout.ReleaseScriptPath).Content;

        Assert.Equal(HostTooling.Compact(ReleaseScript.Text), shipped);
        Assert.DoesNotContain(shipped.Split('\n').Skip(1), line => line.StartsWith('#') && !line.StartsWith("# shellcheck ", StringComparison.Ordinal));
        Assert.Contains("\n# 1. Finish what a reboot", ReleaseScript.Text, StringComparison.Ordinal);
        Assert.Contains($"CONVEX_HEALTH_POLL_SECONDS:-{ReleaseScript.HealthPollSeconds}}}", ReleaseScript.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_tooling_fits_its_parameter_with_long_project_and_stack_names()
    {
        // The units name the stack's parameters; the scripts are the same for every stack.
        var spec = TestSpecs.Ec2Prod with { ProjectName = new string('p', 50), StackName = new string('s', 50) };

        var tooling = HostTooling.Render(spec);

        Assert.All(tooling.Parts, part => Assert.True(part.ParameterValue.Length <= HostRelease.MaxBytes - 64,
            $"tooling part {part.Number} is {part.ParameterValue.Length} of {HostRelease.MaxBytes} bytes"));
    }
}
