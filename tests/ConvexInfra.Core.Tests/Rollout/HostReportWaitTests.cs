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
        Assert.Equal(60 / HostReportWait.PollSeconds, run.Sleeps);
    }

    [Fact]
    public void The_report_is_read_without_jq_escapes_included()
    {
        var run = Run([Report(Release, "failed", "compose said \\\"no\\\" in C:\\\\tmp")], withJq: false);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Contains("failed at 2026-11-30T19:00:00Z: compose said \"no\" in C:\\tmp", run.Result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("jq", run.Calls, StringComparison.Ordinal);
    }

    [Fact]
    public void It_asks_the_host_through_run_command_and_falls_back_to_the_timer_when_that_fails()
    {
        var sent = Run([Report(Other, "applied"), Report(Release, "applied")], runCommand: "ok");
        Assert.True(sent.Result.ExitCode == 0, sent.Result.Output);
        Assert.StartsWith("ssm send-command --region eu-west-1 --instance-ids i-0123456789abcdef0 --document-name prod-acme-apply-release ", sent.Calls, StringComparison.Ordinal);
        Assert.Contains("asked the host to apply it now (SSM Run Command cmd-1)", sent.Result.Stdout, StringComparison.Ordinal);

        var refused = Run([Report(Other, "applied"), Report(Release, "applied")], runCommand: "fail");
        Assert.True(refused.Result.ExitCode == 0, refused.Result.Output);
        Assert.Contains("AccessDeniedException", refused.Result.Stdout, StringComparison.Ordinal);
        Assert.Contains("its timer applies the release within a minute", refused.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_run_command_is_sent_again_while_the_host_has_not_reported()
    {
        var run = Run([Report(Other, "applied")], deadlineSeconds: 60, runCommand: "ok");

        var sends = run.Calls.Split('\n').Count(l => l.StartsWith("ssm send-command", StringComparison.Ordinal));
        // Polls every 2 s; sent at 0 s and then at the first poll at least 15 s after the last: 16, 32 and 48 s.
        Assert.Equal(2, HostReportWait.PollSeconds);
        Assert.Equal(15, HostReportWait.NudgeSeconds);
        Assert.Equal(4, sends);
    }

    /// <summary>The fake aws answers the Nth get-parameter with answers[N] (the last one repeats); "" means no parameter yet.</summary>
    private static (ToolResult Result, string Calls, int Sleeps) Run(IReadOnlyList<string> answers, int deadlineSeconds = 900, bool withJq = true, string? runCommand = null)
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
            if [[ "$1 $2" == "ssm send-command" ]]; then
              [[ "{{runCommand}}" == ok ]] || { echo "An error occurred (AccessDeniedException) when calling the SendCommand operation: not authorized" >&2; exit 254; }
              echo "cmd-1"; exit 0
            fi
            n=$(( $(cat {{dir.Path}}/count 2>/dev/null || echo 0) + 1 )); echo "$n" > {{dir.Path}}/count
            (( n <= {{answers.Count}} )) || n={{answers.Count}}
            answer=$(cat {{dir.Path}}/answers/$n)
            if [[ -z "$answer" ]]; then echo "An error occurred (ParameterNotFound)" >&2; exit 254; fi
            echo "$answer"
            """, Executable);
        dir.Write("bin/sleep", $"#!/bin/bash\necho \"sleep $*\" >> {log}\n", Executable);
        if (!withJq)
        {
            dir.Write("bin/jq", $"#!/bin/bash\necho \"jq $*\" >> {log}\nexit 127\n", Executable);
        }

        var variables = new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:/usr/bin:/bin",
            ["REGION"] = "eu-west-1",
            ["STATUS_PARAMETER"] = "/convex-infra/prod/host-status",
            ["RELEASE_SHA256"] = Release,
            ["DEADLINE_SECONDS"] = deadlineSeconds.ToString(CultureInfo.InvariantCulture),
        };
        if (runCommand is not null)
        {
            variables["INSTANCE_ID"] = "i-0123456789abcdef0";
            variables["DOCUMENT_NAME"] = "prod-acme-apply-release";
        }

        var script = dir.Write("wait.sh", HostReportWait.Script());
        var result = ExternalTool.Run("bash", [script], environment: variables);
        var calls = File.ReadAllText(log);
        return (result, calls, calls.Split('\n').Count(l => l.StartsWith("sleep ", StringComparison.Ordinal)));
    }
}
