using System.Text;
using System.Text.Json;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

public class BackupTests
{
    private static readonly ExportTaskValues Values = new(
        "eu-west-1",
        "https://api.prod.convex.example.com",
        "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/admin-key",
        "/convex-infra/prod/export",
        "convex-prod-exports-1a2b",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab");

    [Fact]
    public void Tiers_pick_schedule_and_export_retention()
    {
        var dev = BackupPlan.For(TestSpecs.Ec2Dev);
        var prod = BackupPlan.For(TestSpecs.Ec2Prod);
        var staging = BackupPlan.For(TestSpecs.EcsStaging);

        Assert.Equal((BackupPlan.WeeklySchedule, 7), (dev.ExportSchedule, dev.ExportRetentionDays));
        Assert.Equal((BackupPlan.DailySchedule, 35), (prod.ExportSchedule, prod.ExportRetentionDays));
        Assert.Equal((BackupPlan.DailySchedule, 14), (staging.ExportSchedule, staging.ExportRetentionDays));
        Assert.Equal(14, prod.RdsBackupRetentionDays);
        Assert.True(prod.FinalSnapshot);
        Assert.False(dev.FinalSnapshot);
    }

    [Fact]
    public void Configured_schedule_wins_over_the_tier()
    {
        var spec = TestSpecs.Ec2Prod with { Extensions = new ExtensionSettings { ExportSchedule = "rate(6 hours)" } };

        Assert.Equal("rate(6 hours)", BackupPlan.For(spec).ExportSchedule);
    }

    [Fact]
    public void Default_schedules_are_valid_eventbridge_expressions()
    {
        Assert.Null(ScheduleExpression.Problem(BackupPlan.DailySchedule));
        Assert.Null(ScheduleExpression.Problem(BackupPlan.WeeklySchedule));
    }

    [Fact]
    public void Export_container_gets_the_admin_key_only_as_an_ssm_secret()
    {
        using var doc = JsonDocument.Parse(ExportTask.ContainerDefinitions(Values));
        var container = Assert.Single(doc.RootElement.EnumerateArray().ToList());

        Assert.Equal(ExportTask.NodeImage, container.GetProperty("image").GetString());
        var secret = Assert.Single(container.GetProperty("secrets").EnumerateArray().ToList());
        Assert.Equal("CONVEX_SELF_HOSTED_ADMIN_KEY", secret.GetProperty("name").GetString());
        Assert.Equal(Values.AdminKeyParameterArn, secret.GetProperty("valueFrom").GetString());
        var env = container.GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString());
        Assert.Equal(Values.ApiUrl, env["CONVEX_SELF_HOSTED_URL"]);
        Assert.Equal(ExportTask.ConvexCliVersion, env["CONVEX_CLI_VERSION"]);
        Assert.Equal(ExportTask.PackageJson(), env[ExportTask.PackageJsonVariable]);
        Assert.Equal(ExportTask.PackageLock(), env[ExportTask.PackageLockVariable]);
        Assert.Equal("true", env["NPM_CONFIG_IGNORE_SCRIPTS"]);
        Assert.DoesNotContain("CONVEX_SELF_HOSTED_ADMIN_KEY", env.Keys);
        // Where the task stores the deployment variables, and the signed-request script that does it.
        Assert.Equal(Values.Region, env[ExportTask.RegionVariable]);
        Assert.Equal(Values.ExportsBucket, env[ExportTask.BucketVariable]);
        Assert.Equal(Values.StackKeyArn, env[ExportTask.KeyVariable]);
        Assert.Equal(ConvexInfra.Core.Aws.AwsRequestScript.Text, env[ConvexInfra.Core.Aws.AwsRequestScript.Variable]);
        // ECS refuses container definitions over 64 KiB for the whole task definition; leave room for the rest.
        Assert.InRange(Encoding.UTF8.GetByteCount(ExportTask.ContainerDefinitions(Values)), 1, 56 * 1024);
        Assert.Equal("awslogs", container.GetProperty("logConfiguration").GetProperty("logDriver").GetString());
    }

    [Fact]
    public void Export_pins_node_by_digest_and_installs_the_cli_only_from_the_lockfile_without_scripts()
    {
        Assert.Matches(@"^node:\d+\.\d+\.\d+-bookworm-slim@sha256:[0-9a-f]{64}$", ExportTask.NodeImage);
        Assert.Matches(@"^\d+\.\d+\.\d+$", ExportTask.ConvexCliVersion);
        var script = ExportTask.Script();
        Assert.Contains("convex export --include-file-storage", script, StringComparison.Ordinal);
        Assert.Contains("npm ci --ignore-scripts ", script, StringComparison.Ordinal);
        Assert.DoesNotContain("npm install", script, StringComparison.Ordinal);
        Assert.DoesNotContain("npm init", script, StringComparison.Ordinal);
        Assert.Contains("--no-install", script, StringComparison.Ordinal);
        Assert.StartsWith("set -eu\n", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_committed_lockfile_pins_the_cli_version_and_every_package_by_integrity()
    {
        using var manifest = JsonDocument.Parse(ExportTask.PackageJson());
        using var lockfile = JsonDocument.Parse(ExportTask.PackageLock());
        var packages = lockfile.RootElement.GetProperty("packages").EnumerateObject().ToList();

        Assert.Equal(ExportTask.ConvexCliVersion, manifest.RootElement.GetProperty("dependencies").GetProperty("convex").GetString());
        Assert.Equal(3, lockfile.RootElement.GetProperty("lockfileVersion").GetInt32());
        Assert.Equal(ExportTask.ConvexCliVersion, packages.Single(p => p.Name == "node_modules/convex").Value.GetProperty("version").GetString());
        // The root entry ("") must declare what package.json declares, or npm ci refuses to install.
        Assert.Equal(
            manifest.RootElement.GetProperty("dependencies").GetRawText(),
            packages.Single(p => p.Name.Length == 0).Value.GetProperty("dependencies").GetRawText());
        var dependencies = packages.Where(p => p.Name.Length > 0).ToList();
        Assert.Contains(dependencies, p => p.Name == "node_modules/esbuild");
        Assert.All(dependencies, p =>
        {
            Assert.Matches(@"^\d+\.\d+\.\d+$", p.Value.GetProperty("version").GetString());
            Assert.StartsWith("sha512-", p.Value.GetProperty("integrity").GetString(), StringComparison.Ordinal);
        });
        // Tarballs come from the registry npm is configured with; the lockfile names no host.
        Assert.DoesNotContain("\"resolved\"", ExportTask.PackageLock(), StringComparison.Ordinal);
    }

    [Fact]
    public void Export_script_passes_shellcheck_as_posix_sh()
    {
        using var dir = new TempDir();
        var file = dir.Write("export.sh", "#!/bin/sh\n" + ExportTask.Script());

        ExternalTool.Check("shellcheck", "-s", "sh", "-o", "all", file);
    }

    [Fact]
    public void Export_script_installs_from_the_lockfile_and_stops_on_failure()
    {
        using var dir = new TempDir();
        var log = Path.Combine(dir.Path, "calls.log");
        var files = Path.Combine(dir.Path, "files");
        Directory.CreateDirectory(files);
        // The fake npm keeps the two files the task wrote, so the test sees what npm ci installs from.
        dir.Write("bin/npm", $"#!/bin/sh\necho \"npm $*\" >> {log}\ncp package.json package-lock.json {files}/\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        dir.Write("bin/npx", $"#!/bin/sh\necho \"npx $*\" >> {log}\nif [ \"$3\" = --version ]; then echo \"$INSTALLED\"; exit 0; fi\n[ \"$FAIL\" = yes ] && exit 3\nfor last; do :; done\ntouch \"$last\"\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var script = dir.Write("export.sh", ExportTask.Script());
        using var definitions = JsonDocument.Parse(ExportTask.ContainerDefinitions(Values));
        var env = definitions.RootElement[0].GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        env["PATH"] = $"{Path.Combine(dir.Path, "bin")}:/usr/bin:/bin";
        env["INSTALLED"] = ExportTask.ConvexCliVersion;
        env["FAIL"] = "no";
        env["CONVEX_SELF_HOSTED_ADMIN_KEY"] = "fake-admin-key";

        // The successful run, with the deployment variables stored after it: ExportTaskDeploymentEnvTests.
        env["INSTALLED"] = "1.0.0";
        var drifted = ExternalTool.Run("sh", [script], environment: env);
        Assert.Equal(2, drifted.ExitCode);
        Assert.Contains($"convex CLI 1.0.0 installed, {ExportTask.ConvexCliVersion} expected", drifted.Stderr, StringComparison.Ordinal);
        var calls = File.ReadAllLines(log);
        Assert.Equal(["npm ci --ignore-scripts --no-audit --no-fund", "npx --no-install convex --version"], calls);
        Assert.Equal(ExportTask.PackageLock() + "\n", File.ReadAllText(Path.Combine(files, "package-lock.json")));
        Assert.Equal(ExportTask.PackageJson() + "\n", File.ReadAllText(Path.Combine(files, "package.json")));
        env["INSTALLED"] = ExportTask.ConvexCliVersion;

        env["FAIL"] = "yes";
        var failed = ExternalTool.Run("sh", [script], environment: env);
        Assert.Equal(3, failed.ExitCode);

        env.Remove("CONVEX_SELF_HOSTED_ADMIN_KEY");
        var noKey = ExternalTool.Run("sh", [script], environment: env);
        Assert.NotEqual(0, noKey.ExitCode);
        Assert.Contains("CONVEX_SELF_HOSTED_ADMIN_KEY", noKey.Stderr, StringComparison.Ordinal);

        env[ExportTask.PackageLockVariable] = "";
        env["CONVEX_SELF_HOSTED_ADMIN_KEY"] = "fake-admin-key";
        var noLock = ExternalTool.Run("sh", [script], environment: env);
        Assert.NotEqual(0, noLock.ExitCode);
        Assert.Contains("EXPORT_PACKAGE_LOCK", noLock.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_needs_the_https_api_url()
    {
        var error = Assert.Throws<ArgumentException>(() => ExportTask.ContainerDefinitions(Values with { ApiUrl = "http://api.example.com" }));

        Assert.Contains("ApiUrl: got 'http://api.example.com'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example: https://", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:7", "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:*")]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export", "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:*")]
    public void Scheduler_may_run_any_revision_of_the_export_family(string arn, string expected) =>
        Assert.Equal(expected, OpsPolicies.AnyRevision(arn));

    [Fact]
    public void Scheduler_policy_names_the_cluster_and_passes_roles_only_to_ecs_tasks()
    {
        var policy = OpsPolicies.SchedulerRunExportTask(
            "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:7",
            "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-ops",
            ["arn:aws:iam::123456789012:role/exec", "arn:aws:iam::123456789012:role/exec"]);

        using var doc = JsonDocument.Parse(policy);
        var statements = doc.RootElement.GetProperty("Statement").EnumerateArray().ToList();
        Assert.Equal(2, statements.Count);
        Assert.Contains("ecs:cluster", statements[0].GetProperty("Condition").GetRawText(), StringComparison.Ordinal);
        Assert.Single(statements[1].GetProperty("Resource").EnumerateArray());
        Assert.Contains("ecs-tasks.amazonaws.com", statements[1].GetProperty("Condition").GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain("\"*\"", policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-an-arn")]
    [InlineData("arn:aws:ecs:eu-west-1:123456789012:service/x")]
    public void Scheduler_policy_rejects_a_wrong_task_definition_arn(string arn)
    {
        var error = Assert.Throws<ArgumentException>(() => OpsPolicies.SchedulerRunExportTask(arn, "arn:aws:ecs:eu-west-1:1:cluster/c", ["arn:aws:iam::1:role/r"]));

        Assert.Contains($"got '{arn}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Task_stopped_pattern_matches_non_zero_exits_of_the_cluster()
    {
        using var doc = JsonDocument.Parse(OpsPolicies.TaskStoppedPattern("arn:aws:ecs:eu-west-1:123456789012:cluster/prod-ops"));
        var detail = doc.RootElement.GetProperty("detail");

        Assert.Equal("aws.ecs", doc.RootElement.GetProperty("source")[0].GetString());
        Assert.Equal("ECS Task State Change", doc.RootElement.GetProperty("detail-type")[0].GetString());
        Assert.Equal("STOPPED", detail.GetProperty("lastStatus")[0].GetString());
        Assert.Equal(0, detail.GetProperty("containers").GetProperty("exitCode")[0].GetProperty("anything-but").GetInt32());
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:cluster/prod-ops", detail.GetProperty("clusterArn")[0].GetString());
    }

    [Fact]
    public void Alarm_topic_policy_lets_only_eventbridge_and_cloudwatch_of_the_account_publish()
    {
        using var doc = JsonDocument.Parse(OpsPolicies.AlarmTopicPolicy("arn:aws:sns:eu-west-1:123456789012:prod-alarms", "123456789012"));
        var statements = doc.RootElement.GetProperty("Statement").EnumerateArray().ToList();

        Assert.Equal(["events.amazonaws.com", "cloudwatch.amazonaws.com"], statements.Select(s => s.GetProperty("Principal").GetProperty("Service").GetString()));
        Assert.All(statements, s => Assert.Contains("123456789012", s.GetProperty("Condition").GetRawText(), StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => OpsPolicies.AlarmTopicPolicy("arn:aws:sqs:eu-west-1:1:q", "1"));
    }
}
