using System.Text.Json;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary>Shared stack outputs and helpers for backup, restore and reset against fake aws/npx/pulumi.</summary>
public static class BackupFixtures
{
    public const string AdminKey = "convex-prod|01" + "aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899aabbccdd";
    public const string Cluster = "arn:aws:ecs:eu-west-1:123456789012:cluster/convex-prod";
    public const string TaskDefinition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/convex-prod-export:3";
    public const string TaskArn = "arn:aws:ecs:eu-west-1:123456789012:task/convex-prod/0a1b2c3d";
    public const string Bucket = "convex-prod-exports-1a2b3c";

    public static string Outputs(string target, string tier, string apiUrl = "https://api.convex.example.com", string? adminKey = null, string? instanceName = null)
    {
        var aws = target != "local";
        var outputs = new Dictionary<string, object>
        {
            ["apiUrl"] = apiUrl,
            ["siteUrl"] = apiUrl.Replace("api.", "site.", StringComparison.Ordinal),
            ["dashboardUrl"] = apiUrl.Replace("api.", "dashboard.", StringComparison.Ordinal),
            ["adminKey"] = adminKey ?? AdminKey,
            ["instanceName"] = instanceName ?? "convex-prod",
            ["stack"] = tier,
            ["target"] = target,
            ["tier"] = tier,
            ["region"] = aws ? "eu-west-1" : "",
            ["imageRevision"] = "0123456789abcdef0123456789abcdef01234567",
        };
        if (aws)
        {
            outputs["buckets"] = new { exports = Bucket, snapshotImports = "i", modules = "m", files = "f", search = "s" };
            outputs["exportTask"] = new
            {
                cluster = Cluster,
                taskDefinition = TaskDefinition,
                subnets = new[] { "subnet-0aaa1111bbbb2222c", "subnet-0ddd3333eeee4444f" },
                securityGroup = "sg-0123456789abcdef0",
                assignPublicIp = true,
            };
        }

        return JsonSerializer.Serialize(outputs);
    }

    public static string Write(string directory, string name, string content)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static Dictionary<string, string> Env(FakeTools tools) => new() { ["PATH"] = tools.Path };

    /// <summary>No recorded argument of any fake tool carries the admin key (it may only travel in the environment).</summary>
    public static void AssertKeyNeverInArguments(FakeTools tools, string key)
    {
        var secret = key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..];
        Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Args, a => a.Contains(secret, StringComparison.Ordinal)));
    }
}

public sealed class BackupCommandTests : IDisposable
{
    private readonly FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-backup-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>The bucket after the task: an old export, the new one and, when <paramref name="taskStoresEnv"/>, the variables the task stored beside it.</summary>
    private void FakeAws(string exitCode = "0", string status = "STOPPED", bool taskStoresEnv = true) => tools.Add("aws", $$"""
        case "$1 $2" in
          "ecs run-task") echo "{{BackupFixtures.TaskArn}}" ;;
          "ecs describe-tasks") printf '%s\t%s\t%s\n' "{{status}}" "Essential container in task exited" "{{exitCode}}" ;;
          "s3api list-objects-v2")
            now=$(date -u +%Y-%m-%dT%H:%M:%S+00:00)
            entry=""
            if [ "{{(taskStoresEnv ? "yes" : "no")}}" = yes ]; then entry=",{\"Key\":\"deployment-env/deployment-env-20991231T000000Z.json\",\"LastModified\":\"${now}\",\"Size\":30}"; fi
            echo "{\"Contents\":[{\"Key\":\"convex-prod-0f1e/2c6f\",\"LastModified\":\"2020-01-01T00:00:00+00:00\",\"Size\":10},{\"Key\":\"convex-prod-0f1e/9b1d\",\"LastModified\":\"${now}\",\"Size\":20}${entry}]}" ;;
          *) echo "unexpected call: $*" >&2; exit 9 ;;
        esac
        """);

    [Fact]
    public async Task On_aws_it_starts_the_schedules_export_task_waits_and_prints_the_new_object()
    {
        FakeAws();
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Error);
        // The export, not the variables object the task stored beside it in the same bucket.
        Assert.Equal($"s3://{BackupFixtures.Bucket}/convex-prod-0f1e/9b1d\n", result.Out.ReplaceLineEndings("\n"));
        var calls = tools.Calls("aws").Select(c => c.Args).ToList();
        Assert.Equal(3, calls.Count);
        Assert.Equal(
            ["ecs", "run-task", "--region", "eu-west-1", "--cluster", BackupFixtures.Cluster, "--task-definition", BackupFixtures.TaskDefinition,
                "--launch-type", "FARGATE",
                "--network-configuration", "awsvpcConfiguration={subnets=[subnet-0aaa1111bbbb2222c,subnet-0ddd3333eeee4444f],securityGroups=[sg-0123456789abcdef0],assignPublicIp=ENABLED}",
                "--started-by", "convex-infra-backup", "--count", "1", "--query", "tasks[0].taskArn", "--output", "text"],
            calls[0]);
        Assert.Equal(
            ["ecs", "describe-tasks", "--region", "eu-west-1", "--cluster", BackupFixtures.Cluster, "--tasks", BackupFixtures.TaskArn,
                "--query", "tasks[0].[lastStatus,stopReason,containers[0].exitCode]", "--output", "text"],
            calls[1]);
        Assert.Equal(["s3api", "list-objects-v2", "--region", "eu-west-1", "--bucket", BackupFixtures.Bucket, "--output", "json"], calls[2]);
        // The task stores the deployment's variables itself; the CLI reads none and uploads nothing.
        Assert.Contains($"the export task stored the deployment variables beside it at s3://{BackupFixtures.Bucket}/deployment-env/deployment-env-20991231T000000Z.json", result.Error);
        BackupFixtures.AssertKeyNeverInArguments(tools, BackupFixtures.AdminKey);
    }

    [Fact]
    public async Task A_task_that_stored_no_variables_is_a_warning_naming_the_fix()
    {
        FakeAws(taskStoresEnv: false);
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("warning: the export task stored no deployment variables", result.Error);
        Assert.Contains("run 'pulumi up'", result.Error);
    }

    [Fact]
    public async Task Without_wait_it_only_starts_the_task()
    {
        FakeAws();
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ec2", "staging"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(BackupFixtures.TaskArn, result.Out.Trim());
        Assert.Equal("run-task", Assert.Single(tools.Calls("aws")).Args[1]);
        Assert.Contains("add --wait", result.Error);
    }

    [Fact]
    public async Task A_failed_export_task_is_an_error_naming_its_exit_code()
    {
        FakeAws(exitCode: "1");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"the export task {BackupFixtures.TaskArn} stopped (Essential container in task exited) with exit code '1'", result.Error);
        Assert.DoesNotContain(tools.Calls("aws"), c => c.Args[0] == "s3api");
    }

    [Fact]
    public async Task An_export_still_running_at_the_timeout_is_an_error_that_says_it_keeps_running()
    {
        FakeAws(exitCode: "None", status: "RUNNING");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait", "--timeout", "1s"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"the export task {BackupFixtures.TaskArn} is still RUNNING after", result.Error);
        Assert.Contains("--timeout", result.Error);
        // The last poll sleeps only until the deadline, never a whole 15 s interval past it.
        Assert.InRange(tools.Calls("aws").Count(c => c.Args[1] == "describe-tasks"), 1, 2);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(12), $"took {clock.Elapsed}");
        Assert.DoesNotContain(tools.Calls("aws"), c => c.Args[0] == "s3api");
    }

    [Fact]
    public async Task A_timeout_that_is_no_duration_is_a_usage_error()
    {
        FakeAws();
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait", "--timeout", "soon"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--timeout", result.Error);
        Assert.Empty(tools.Calls("aws"));
    }

    [Fact]
    public async Task Outputs_without_the_export_task_say_how_to_get_it()
    {
        FakeAws();
        var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(BackupFixtures.Outputs("aws-ecs", "prod"))!;
        json.Remove("exportTask");
        var outputs = BackupFixtures.Write(directory, "outputs.json", JsonSerializer.Serialize(json));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the stack outputs have no 'exportTask'", result.Error);
        Assert.Empty(tools.Calls());
    }

    [Fact]
    public async Task Locally_it_runs_npx_convex_export_with_the_key_only_in_the_environment()
    {
        // The fake npx writes the zip where --path says, like the real export.
        tools.Add("npx", """
            while [ $# -gt 0 ]; do if [ "$1" = "--path" ]; then echo zip > "$2"; fi; shift; done
            """);
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("local", "dev", "http://127.0.0.1:3210"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs, "--dir", "backups"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Error);
        var call = Assert.Single(tools.Calls("npx"));
        var path = result.Out.Trim();
        Assert.StartsWith(Path.Combine(directory, "backups", "convex-export-dev-"), path, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        Assert.Equal(["convex", "export", "--include-file-storage", "--path", path], call.Args);
        Assert.Equal("http://127.0.0.1:3210", call.Environment["CONVEX_SELF_HOSTED_URL"]);
        Assert.Equal(BackupFixtures.AdminKey, call.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"]);
        BackupFixtures.AssertKeyNeverInArguments(tools, BackupFixtures.AdminKey);
    }

    [Fact]
    public async Task A_failed_local_export_shows_what_npx_said()
    {
        tools.Add("npx", """echo "✖ Error: fetch failed (connect ECONNREFUSED 127.0.0.1:3210)" >&2; exit 1""");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("local", "dev", "http://127.0.0.1:3210"));

        var result = await CliRunner.RunAsync(["backup", "--from", outputs], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("npx convex export failed with exit code 1: ✖ Error: fetch failed (connect ECONNREFUSED 127.0.0.1:3210)", result.Error);
    }

    [Fact]
    public async Task Stack_outputs_come_from_pulumi_for_stack_name()
    {
        FakeAws();
        tools.Add("pulumi", $$"""
            cat <<'JSON'
            {{BackupFixtures.Outputs("aws-ecs", "prod")}}
            JSON
            """);

        var result = await CliRunner.RunAsync(["backup", "--stack", "prod"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["stack", "output", "--json", "--show-secrets", "--non-interactive", "--stack", "prod"], Assert.Single(tools.Calls("pulumi")).Args);
        Assert.Single(tools.Calls("aws"));
    }
}
