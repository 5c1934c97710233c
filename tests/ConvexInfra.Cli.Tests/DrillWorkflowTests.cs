using System.Text.RegularExpressions;

namespace ConvexInfra.Cli.Tests;

/// <summary>The monthly drill job (.github/workflows/drill.yml) runs a command this CLI accepts, against the local target, into the job summary.</summary>
public sealed partial class DrillWorkflowTests
{
    private static string Workflow()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
        {
            dir = dir.Parent;
        }

        Assert.NotNull(dir);
        return File.ReadAllText(Path.Combine(dir.FullName, ".github", "workflows", "drill.yml"));
    }

    [Fact]
    public void The_drill_job_runs_monthly_and_its_command_parses_with_the_drill_options()
    {
        var text = Workflow();
        Assert.Matches(MonthlyCron(), text);
        var line = Assert.Single(RunLine().Matches(text)).Groups["args"].Value;
        var args = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => a.Trim('"').Replace("$STACK", "prod", StringComparison.Ordinal).Replace("$GITHUB_STEP_SUMMARY", "/tmp/summary.md", StringComparison.Ordinal).Replace("$REPO", "/tmp/repo", StringComparison.Ordinal))
            .ToList();

        var console = new CliConsole(TextReader.Null, TextWriter.Null, TextWriter.Null, _ => null, Directory.GetCurrentDirectory());
        var parsed = CliApp.BuildRoot(console).Parse(args);

        Assert.Empty(parsed.Errors);
        // --root: the stack file of the checkout, read for the database backup copy check (the step runs in the Convex CLI's folder).
        Assert.Equal(["restore", "--stack", "prod", "--drill", "--into", "local", "--root", "/tmp/repo", "--report", "/tmp/summary.md"], args);
        Assert.Contains("REPO: ${{ github.workspace }}", text, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"cron: ""\d+ \d+ \d+ \* \*""")]
    private static partial Regex MonthlyCron();

    [GeneratedRegex(@"run: convex-infra (?<args>restore [^\n]*--drill[^\n]*)")]
    private static partial Regex RunLine();
}
