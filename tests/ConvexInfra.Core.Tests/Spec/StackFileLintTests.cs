using System.Diagnostics;

namespace ConvexInfra.Core.Tests.Spec;

/// <summary>The committed stack files pass yamllint (installed by scripts/install-test-tools.sh).</summary>
[Trait("Category", "Tools")]
public class StackFileLintTests
{
    private const string LintConfig = "{extends: default, rules: {line-length: {max: 120}, document-start: disable}}";

    [Fact]
    public void Repo_stack_files_pass_yamllint()
    {
        var root = RepoRootFinder.Find();
        var files = Directory.GetFiles(root, "Pulumi*.yaml").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);

        var start = new ProcessStartInfo("yamllint") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        foreach (var argument in new[] { "-f", "parsable", "-d", LintConfig }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("yamllint did not start; run scripts/install-test-tools.sh");
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
        Assert.Empty(output.Trim());
    }

    [Fact]
    public void Yamllint_catches_a_broken_stack_file()
    {
        var file = Path.Combine(Path.GetTempPath(), $"Pulumi.lint-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(file, "config:\n  aws:region: eu-west-1\n  aws:region: us-east-1\n");
        try
        {
            var start = new ProcessStartInfo("yamllint") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in new[] { "-f", "parsable", "-d", LintConfig, file })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.NotEqual(0, process.ExitCode);
            Assert.Contains("duplication of key", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
