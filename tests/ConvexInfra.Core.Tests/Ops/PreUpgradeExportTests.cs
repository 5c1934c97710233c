using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

public class PreUpgradeExportTests
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void Script_passes_shellcheck()
    {
        using var dir = new TempDir();
        var file = dir.Write("pre-upgrade.sh", "#!/bin/bash\n" + PreUpgradeExport.Script());

        ExternalTool.Check("shellcheck", "-s", "bash", "-o", "all", "-e", "SC2310,SC2312", file);
    }

    [Theory]
    [InlineData("0", 0, "pre-upgrade export: done")]
    [InlineData("1", 1, "exited with '1'")]
    [InlineData("137", 1, "exited with '137'")]
    [InlineData("None", 1, "exited with 'None'")]
    public void Exit_code_of_the_export_task_decides(string taskExitCode, int expected, string expectedText)
    {
        var run = RunWithFakeAws(taskArn: "arn:aws:ecs:eu-west-1:1:task/c/abc", taskExitCode);

        Assert.True(run.Result.ExitCode == expected, run.Result.Output);
        Assert.Contains(expectedText, run.Result.Output, StringComparison.Ordinal);
        Assert.Contains("ecs run-task --region eu-west-1 --cluster prod-ops --task-definition arn:td --launch-type FARGATE", run.Calls, StringComparison.Ordinal);
        Assert.Contains("ecs describe-tasks --region eu-west-1 --cluster prod-ops --tasks arn:aws:ecs:eu-west-1:1:task/c/abc", run.Calls, StringComparison.Ordinal);
        Assert.DoesNotContain("wait tasks-stopped", run.Calls, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_export_names_the_stop_reason_and_the_log_stream()
    {
        var run = RunWithFakeAws(taskArn: "arn:aws:ecs:eu-west-1:1:task/c/abc", "1");

        Assert.Contains("Essential container in task exited", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("log group /convex-infra/prod/export, stream export/convex-export/abc", run.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void An_export_still_running_after_three_polls_is_waited_for()
    {
        var run = RunWithFakeAws(taskArn: "arn:aws:ecs:eu-west-1:1:task/c/abc", "0", runningPolls: 3);

        Assert.True(run.Result.ExitCode == 0, run.Result.Output);
        Assert.Equal(4, run.Calls.Split('\n').Count(l => l.Contains("describe-tasks", StringComparison.Ordinal)));
        Assert.Equal(3, run.Calls.Split('\n').Count(l => l == "sleep 15"));
    }

    [Fact]
    public void An_export_past_its_deadline_is_stopped_and_fails_the_update()
    {
        var run = RunWithFakeAws(taskArn: "arn:aws:ecs:eu-west-1:1:task/c/abc", "0", runningPolls: 1000, deadlineSeconds: 60);

        Assert.Equal(1, run.Result.ExitCode);
        Assert.Contains("still RUNNING after 60s", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("exportTimeoutMinutes", run.Result.Stderr, StringComparison.Ordinal);
        Assert.Contains("ecs stop-task --region eu-west-1 --cluster prod-ops --task arn:aws:ecs:eu-west-1:1:task/c/abc", run.Calls, StringComparison.Ordinal);
        Assert.Equal(4, run.Calls.Split('\n').Count(l => l == "sleep 15"));
    }

    [Fact]
    public void A_task_that_never_started_fails_without_waiting()
    {
        var run = RunWithFakeAws(taskArn: "None", "0");

        Assert.Equal(1, run.Result.ExitCode);
        Assert.DoesNotContain("wait", run.Calls, StringComparison.Ordinal);
        Assert.Contains("did not start", run.Result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Network_configuration_uses_cli_shorthand()
    {
        Assert.Equal(
            "awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-9],assignPublicIp=ENABLED}",
            PreUpgradeExport.NetworkConfiguration(["subnet-1", "subnet-2"], "sg-9", assignPublicIp: true));
        Assert.EndsWith("assignPublicIp=DISABLED}", PreUpgradeExport.NetworkConfiguration(["subnet-1"], "sg-9", assignPublicIp: false), StringComparison.Ordinal);
    }

    [Fact]
    public void Network_configuration_rejects_wrong_ids_naming_them()
    {
        var subnets = Assert.Throws<ArgumentException>(() => PreUpgradeExport.NetworkConfiguration(["vpc-1"], "sg-9", true));
        Assert.Contains("got [vpc-1]", subnets.Message, StringComparison.Ordinal);
        var group = Assert.Throws<ArgumentException>(() => PreUpgradeExport.NetworkConfiguration(["subnet-1"], "group", true));
        Assert.Contains("got 'group'", group.Message, StringComparison.Ordinal);
    }

    private static (ToolResult Result, string Calls) RunWithFakeAws(string taskArn, string exitCode, int runningPolls = 0, int deadlineSeconds = 3600)
    {
        using var dir = new TempDir();
        var log = Path.Combine(dir.Path, "calls.log");
        var polls = Path.Combine(dir.Path, "polls");
        dir.Write("bin/aws", $"""
            #!/bin/bash
            echo "$*" >> {log}
            case "$2" in
              run-task) echo "{taskArn}" ;;
              describe-tasks)
                n=$(( $(cat {polls} 2>/dev/null || echo 0) + 1 )); echo "$n" > {polls}
                if (( n <= {runningPolls} )); then printf 'RUNNING\tNone\tNone\n'; else printf 'STOPPED\t{exitCode}\tEssential container in task exited\n'; fi ;;
              *) ;;
            esac
            """, Executable);
        dir.Write("bin/sleep", $"""
            #!/bin/bash
            echo "sleep $*" >> {log}
            """, Executable);
        var script = dir.Write("pre-upgrade.sh", PreUpgradeExport.Script());
        var result = ExternalTool.Run("bash", [script], environment: new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:/usr/bin:/bin",
            ["REGION"] = "eu-west-1",
            ["CLUSTER"] = "prod-ops",
            ["TASK_DEFINITION"] = "arn:td",
            ["NETWORK_CONFIGURATION"] = "awsvpcConfiguration={subnets=[subnet-1],securityGroups=[sg-9],assignPublicIp=ENABLED}",
            ["LOG_GROUP"] = "/convex-infra/prod/export",
            ["DEADLINE_SECONDS"] = deadlineSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return (result, File.Exists(log) ? File.ReadAllText(log) : string.Empty);
    }
}
