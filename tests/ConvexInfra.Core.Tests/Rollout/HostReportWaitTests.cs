using System.Globalization;
using ConvexInfra.Core.Rollout;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rollout;

/// <summary>The rendered wait step of pulumi up, run for real under bash with a fake aws that answers per scenario.</summary>
public class HostReportWaitTests
{
    private const string Release = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string Other = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private static string Report(string release, string status, string reason = "") =>
        $$"""{"release":"{{release}}","revision":"abc","status":"{{status}}","reason":"{{reason}}","time":"2026-11-30T19:00:00Z"}""";

    [Fact]
    public void Script_passes_shellcheck()
    {
        using var dir = new TempDir();
        var file = dir.Write("wait.sh", "#!/bin/bash\n" + HostReportWait.Script());

        ExternalTool.Check("shellcheck", "-s", "bash", "-o", "all", "-e", "SC2310,SC2312", file);
    }

    [Fact]
    public void Applied_ends_the_wait_successfully_once_the_host_reports_this_release()
    {
        var run = Run([Report(Other, "applied"), "", Report(Release, "applied")]);

        Assert.True(run.Result.ExitCode == 0, run.Result.Output);
        Assert.Contains($"release {Release} applied", run.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains($"last report is about release {Other}", run.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ssm get-parameter --region eu-west-1 --name /convex-infra/prod/host-status --query Parameter.Value --output text", run.Calls, StringComparison.Ordinal);
        Assert.Equal(2, run.Sleeps);
    }

    [Theory]
    [InlineData("failed", "cannot pull the release's images; the running release was not touched")]
    [InlineData("rolled-back", "the new backend did not answer /version within 600s; release 1234 serves again")]
    public void Failed_and_rolled_back_fail_the_update_with_the_hosts_reason(string status, string reason)
    {
        var run = Run([Report(Release, status, reason)]);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Contains($"{status} at 2026-11-30T19:00:00Z: {reason}", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, run.Sleeps);
    }

    [Fact]
    public void A_host_that_never_reports_fails_at_the_deadline()
    {
        var run = Run([Report(Other, "applied")], deadlineSeconds: 60);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Contains("did not report release", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("hostReportTimeoutMinutes", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Equal(6, run.Sleeps);
    }

    /// <summary>The fake aws answers the Nth get-parameter with answers[N] (the last one repeats); "" means no parameter yet.</summary>
    private static (ToolResult Result, string Calls, int Sleeps) Run(IReadOnlyList<string> answers, int deadlineSeconds = 900)
    {
        using var dir = new TempDir();
        var log = Path.Combine(dir.Path, "calls.log");
        for (var i = 0; i < answers.Count; i++)
        {
            dir.Write($"answers/{i + 1}", answers[i]);
        }

        dir.Write("bin/aws", $$"""
            #!/bin/bash
            echo "$*" >> {{log}}
            n=$(( $(cat {{dir.Path}}/count 2>/dev/null || echo 0) + 1 )); echo "$n" > {{dir.Path}}/count
            (( n <= {{answers.Count}} )) || n={{answers.Count}}
            answer=$(cat {{dir.Path}}/answers/$n)
            if [[ -z "$answer" ]]; then echo "An error occurred (ParameterNotFound)" >&2; exit 254; fi
            echo "$answer"
            """, Executable);
        dir.Write("bin/sleep", $"#!/bin/bash\necho \"sleep $*\" >> {log}\n", Executable);
        var script = dir.Write("wait.sh", HostReportWait.Script());
        var result = ExternalTool.Run("bash", [script], environment: new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:/usr/bin:/bin",
            ["REGION"] = "eu-west-1",
            ["STATUS_PARAMETER"] = "/convex-infra/prod/host-status",
            ["RELEASE_SHA256"] = Release,
            ["DEADLINE_SECONDS"] = deadlineSeconds.ToString(CultureInfo.InvariantCulture),
        });
        var calls = File.ReadAllText(log);
        return (result, calls, calls.Split('\n').Count(l => l.StartsWith("sleep ", StringComparison.Ordinal)));
    }
}
