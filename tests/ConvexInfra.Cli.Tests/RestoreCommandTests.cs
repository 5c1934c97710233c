using System.IO.Compression;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

public sealed class RestoreCommandTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IDisposable
{
    private readonly FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-restore-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>A zip shaped like 'npx convex export --include-file-storage' (also a Convex Cloud export).</summary>
    private string ExportZip(string name = "cloud-export.zip")
    {
        var path = Path.Combine(directory, name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var entry in new[] { "README.md", "_tables/documents.jsonl", "messages/documents.jsonl", "messages/generated_schema.jsonl", "users/documents.jsonl", "_storage/documents.jsonl", "_storage/kg2abc.png" })
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
            writer.Write(entry.EndsWith(".jsonl", StringComparison.Ordinal) ? "{\"_id\":\"x\"}\n" : "data");
        }

        return path;
    }

    private async Task<(FakeConvexDeployment Deployment, string Outputs)> LocalStackAsync(string tier = "dev", string target = "local")
    {
        var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        return (deployment, BackupFixtures.Write(directory, "outputs.json", Retarget(deployment, target, tier)));
    }

    /// <summary>The loopback deployment's own outputs, as a stack of the given target and tier.</summary>
    private static string Retarget(FakeConvexDeployment deployment, string target, string tier)
    {
        var outputs = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(deployment.OutputsJson())!;
        outputs["target"] = target;
        outputs["tier"] = tier;
        outputs["stack"] = tier;
        if (target != "local")
        {
            var aws = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(BackupFixtures.Outputs(target, tier))!;
            outputs["region"] = aws["region"];
            outputs["buckets"] = aws["buckets"];
            outputs["exportTask"] = aws["exportTask"];
        }

        return System.Text.Json.JsonSerializer.Serialize(outputs);
    }

    [Fact]
    public async Task A_cloud_export_is_imported_with_the_key_in_the_environment_then_verified()
    {
        tools.Add("npx", """echo "Added 2 documents." ; exit 0""");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        var zip = ExportZip();

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", zip, "--yes"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var call = Assert.Single(tools.Calls("npx"));
        Assert.Equal(["convex", "import", "--replace", "--yes", zip], call.Args);
        Assert.Equal(deployment.Api.Url(), call.Environment["CONVEX_SELF_HOSTED_URL"]);
        Assert.Equal(BackendBehavior.DefaultKey, call.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"]);
        BackupFixtures.AssertKeyNeverInArguments(tools, BackendBehavior.DefaultKey);
        Assert.Contains("the export holds 2 table(s): messages, users", result.Error);
        Assert.Contains("file storage: 1 file(s)", result.Error);
        Assert.Contains("PASS  functions", result.Out);
        Assert.Contains("verify: healthy", result.Out);
    }

    [Fact]
    public async Task A_failed_import_is_a_clear_error_and_verify_does_not_run()
    {
        tools.Add("npx", """echo "✖ Importing data from \"export.zip\" failed" >&2; echo "Hit an error while importing: table messages: invalid _id" >&2; exit 1""");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", ExportZip(), "--yes", "--replace-all"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("npx convex import failed with exit code 1", result.Error);
        Assert.Contains("table messages: invalid _id", result.Error);
        Assert.DoesNotContain("verify:", result.Out);
        Assert.Empty(deployment.Queries);
    }

    [Theory]
    [InlineData(new string[0], "without --replace-all and --yes")]
    [InlineData(new[] { "--yes" }, "without --replace-all:")]
    [InlineData(new[] { "--replace-all" }, "without --yes:")]
    public async Task A_prod_stack_needs_both_replace_all_and_yes(string[] flags, string expected)
    {
        tools.Add("npx", "exit 0");
        tools.Add("aws", "exit 0");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", ExportZip(), .. flags], stdin: "yes\n", environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("refusing to restore into a prod-tier stack " + expected, result.Error);
        Assert.Empty(tools.Calls());
    }

    [Fact]
    public async Task Latest_on_aws_downloads_the_newest_export_and_replaces_everything()
    {
        var prepared = ExportZip("prepared.zip");
        tools.Add("aws", $$"""
            case "$1 $2" in
              "s3api list-objects-v2") echo '{"Contents":[{"Key":"convex-prod-0f1e/old","LastModified":"2026-01-01T00:00:00+00:00","Size":10},{"Key":"convex-prod-0f1e/new","LastModified":"2026-02-01T00:00:00+00:00","Size":20}]}' ;;
              "s3 cp") cp "{{prepared}}" "$7" ;;
              *) exit 9 ;;
            esac
            """);
        tools.Add("npx", "exit 0");
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var outputs = BackupFixtures.Write(directory, "outputs.json", Retarget(deployment, "aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--replace-all", "--yes"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var aws = tools.Calls("aws");
        Assert.Equal(["s3api", "list-objects-v2", "--region", "eu-west-1", "--bucket", BackupFixtures.Bucket, "--output", "json"], aws[0].Args);
        Assert.Equal(["s3", "cp", "--region", "eu-west-1", "--only-show-errors", $"s3://{BackupFixtures.Bucket}/convex-prod-0f1e/new"], aws[1].Args.Take(6));
        var import = Assert.Single(tools.Calls("npx")).Args;
        Assert.Equal(["convex", "import", "--replace-all", "--yes"], import.Take(4));
        Assert.Equal(aws[1].Args[6], import[4]);
        Assert.False(File.Exists(import[4]), "the downloaded export is deleted afterwards");
    }

    [Fact]
    public async Task Without_yes_it_asks_and_a_no_changes_nothing()
    {
        tools.Add("npx", "exit 0");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", ExportZip()], stdin: "no\n", environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Type 'yes' to go on", result.Error);
        Assert.Contains("not confirmed; nothing was changed", result.Error);
        Assert.Empty(tools.Calls());
    }

    [Fact]
    public async Task Deployment_env_is_applied_after_the_import()
    {
        tools.Add("npx", "exit 0");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        var env = BackupFixtures.Write(directory, "env.json", """{"APP_MODE": "restored"}""");

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", ExportZip(), "--yes", "--deployment-env", env], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Single(tools.Calls("npx"));
        Assert.Contains("convex-infra restore: imported cloud-export.zip", result.Error);
        Assert.Contains(deployment.Queries, q => q.Contains("_system/cli/queryEnvironmentVariables", StringComparison.Ordinal));
        Assert.Equal("restored", deployment.Variables["APP_MODE"]);
    }

    private const string EnvSecret = "sk_live_0123456789abcdef";

    /// <summary>
    /// A fake AWS CLI with an exports bucket on disk: run-task/describe-tasks succeed, list-objects-v2 lists the
    /// bucket folder, 's3 cp s3://… -' prints an object, 's3 cp s3://… FILE' copies it. With <paramref name="deployment"/>,
    /// run-task does what the export task does after its export: the task's own variable lister (Core's
    /// ListVariablesScript, real node) against the deployment, stored under deployment-env/ as the task names it.
    /// </summary>
    private string FakeAwsBucket(FakeConvexDeployment? deployment = null)
    {
        var bucket = Directory.CreateDirectory(Path.Combine(directory, "bucket")).FullName;
        Directory.CreateDirectory(Path.Combine(bucket, "convex-prod-0f1e"));
        File.Copy(ExportZip("prepared.zip"), Path.Combine(bucket, "convex-prod-0f1e", "9b1d"));
        var task = "true";
        if (deployment is not null)
        {
            var lister = BackupFixtures.Write(directory, "list-variables.mjs", ConvexInfra.Core.DeploymentEnv.ListVariablesScript.Text);
            var stack = System.Text.Json.JsonDocument.Parse(deployment.OutputsJson()).RootElement;
            BackupFixtures.Write(directory, "task.env",
                $"export CONVEX_SELF_HOSTED_URL='{stack.GetProperty("apiUrl").GetString()}'\nexport CONVEX_SELF_HOSTED_ADMIN_KEY='{stack.GetProperty("adminKey").GetString()}'\n");
            task = $$"""
                ( . "{{directory}}/task.env"; mkdir -p "$bucket/{{ConvexInfra.Core.Backup.DeploymentEnvBackup.Prefix}}"; umask 077
                  node "{{lister}}" > "$bucket/{{ConvexInfra.Core.Backup.DeploymentEnvBackup.Prefix}}deployment-env-$(date -u +%Y%m%dT%H%M%SZ).json" 2>/dev/null ) || exit 7
                """;
        }

        tools.Add("aws", $$"""
            bucket="{{bucket}}"
            prefix="s3://{{BackupFixtures.Bucket}}/"
            last="${@: -1}"
            before="${@: -2:1}"
            case "$1 $2" in
              "ecs run-task")
                {{task}}
                echo "{{BackupFixtures.TaskArn}}" ;;
              "ecs describe-tasks") printf '%s\t%s\t%s\n' STOPPED "Essential container in task exited" 0 ;;
              "s3api list-objects-v2")
                printf '{"Contents":['
                sep=""
                while IFS= read -r f; do
                  key="${f#${bucket}/}"
                  printf '%s{"Key":"%s","LastModified":"%s","Size":%s}' "$sep" "$key" "$(date -u -r "$f" +%Y-%m-%dT%H:%M:%S+00:00)" "$(stat -c %s "$f")"
                  sep=","
                done < <(find "$bucket" -type f | sort)
                printf ']}\n' ;;
              "s3 cp")
                if [ "$last" = "-" ]; then cat "$bucket/${before#$prefix}"
                else cp "$bucket/${before#$prefix}" "$last"; fi ;;
              *) echo "unexpected call: $*" >&2; exit 9 ;;
            esac
            """);
        return bucket;
    }

    [Fact]
    public async Task Deployment_variables_the_export_task_stored_round_trip_through_restore_without_their_values_showing()
    {
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var bucket = FakeAwsBucket(deployment);
        tools.Add("npx", "exit 0");
        // Values a NAME=value listing could not carry back: newlines, '=' runs, quotes.
        var original = new Dictionary<string, string>
        {
            ["APP_MODE"] = "production",
            ["STRIPE_KEY"] = EnvSecret,
            ["JWT_PRIVATE_KEY"] = "-----BEGIN-----\nline2 " + EnvSecret + "==\n-----END-----\n",
            ["DSN"] = "a=b==c;it's \"" + EnvSecret + "\"",
        };
        foreach (var (name, value) in original)
        {
            deployment.Variables[name] = value;
        }

        var outputs = BackupFixtures.Write(directory, "outputs.json", Retarget(deployment, "aws-ecs", "dev"));

        var backup = await CliRunner.RunAsync(["backup", "--from", outputs, "--wait"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(backup.ExitCode == 0, backup.Out + backup.Error);
        // The task stored them; the CLI only reports where (it uploads nothing itself any more).
        Assert.Contains($"the export task stored the deployment variables beside it at s3://{BackupFixtures.Bucket}/deployment-env/deployment-env-", backup.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(tools.Calls("aws"), c => c.Args.Contains("-"));
        // The export printed is the backend's, not the variables object that now sits in the same bucket.
        Assert.Equal($"s3://{BackupFixtures.Bucket}/convex-prod-0f1e/9b1d", backup.Out.Trim());
        var stored = Directory.GetFiles(Path.Combine(bucket, "deployment-env")).Single();

        // A fresh deployment: nothing set, then restore with --deployment-env latest.
        deployment.Variables.Clear();
        var restore = await CliRunner.RunAsync(
            ["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(restore.ExitCode == 0, restore.Out + restore.Error);
        Assert.Equal(original, deployment.Variables);
        var import = Assert.Single(tools.Calls("npx")).Args;
        Assert.EndsWith("export.zip", import[^1], StringComparison.Ordinal);
        Assert.Contains(tools.Calls("aws"), c => c.Args.SequenceEqual(
            ["s3", "cp", "--region", "eu-west-1", "--only-show-errors", $"s3://{BackupFixtures.Bucket}/deployment-env/{Path.GetFileName(stored)}", "-"]));
        Assert.Contains("4 deployment variable(s) from s3://", restore.Error, StringComparison.Ordinal);
        foreach (var text in new[] { backup.Out, backup.Error, restore.Out, restore.Error })
        {
            Assert.DoesNotContain(EnvSecret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("production", text, StringComparison.Ordinal);
        }

        Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Args, a => a.Contains(EnvSecret, StringComparison.Ordinal)));
        Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Environment.Values, v => v.Contains(EnvSecret, StringComparison.Ordinal)));
        Assert.Contains(EnvSecret, File.ReadAllText(stored), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_set_stored_by_an_older_backup_wait_is_read_the_same_way()
    {
        // Before the export task stored them, 'backup --wait' wrote the same JSON map (aws/s3 key) under the same prefix.
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var bucket = FakeAwsBucket();
        tools.Add("npx", "exit 0");
        Directory.CreateDirectory(Path.Combine(bucket, "deployment-env"));
        File.WriteAllText(Path.Combine(bucket, "deployment-env", "deployment-env-20261101T030000Z.json"),
            ConvexInfra.Core.DeploymentEnv.DesiredEnvJson.Serialize(new Dictionary<string, string> { ["STRIPE_KEY"] = EnvSecret }));
        var outputs = BackupFixtures.Write(directory, "outputs.json", Retarget(deployment, "aws-ecs", "dev"));

        var restore = await CliRunner.RunAsync(
            ["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(restore.ExitCode == 0, restore.Out + restore.Error);
        Assert.Equal(EnvSecret, deployment.Variables["STRIPE_KEY"]);
    }

    [Fact]
    public async Task Deployment_env_latest_without_a_stored_set_fails_before_the_import()
    {
        FakeAwsBucket();
        tools.Add("npx", "exit 0");
        await using var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var outputs = BackupFixtures.Write(directory, "outputs.json", Retarget(deployment, "aws-ecs", "dev"));

        var result = await CliRunner.RunAsync(
            ["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds no stored variables", result.Error, StringComparison.Ordinal);
        Assert.Empty(tools.Calls("npx"));
    }
}

public sealed class ResetCommandTests : IDisposable
{
    private readonly FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-reset-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("local", "prod")]
    [InlineData("aws-ec2", "dev")]
    public async Task Dev_and_local_are_emptied_by_an_empty_replace_all_import(string target, string tier)
    {
        // The fake npx keeps a copy of the snapshot it was given, to check what reset imports.
        tools.Add("npx", $$"""cp "$5" "{{directory}}/imported.zip" """);
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs(target, tier));

        var result = await CliRunner.RunAsync(["reset", "--from", outputs, "--yes"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Error);
        var call = Assert.Single(tools.Calls("npx"));
        Assert.Equal(["convex", "import", "--replace-all", "--yes"], call.Args.Take(4));
        Assert.Equal(BackupFixtures.AdminKey, call.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"]);
        BackupFixtures.AssertKeyNeverInArguments(tools, BackupFixtures.AdminKey);
        using var zip = ZipFile.OpenRead(Path.Combine(directory, "imported.zip"));
        Assert.Equal(["README.md", "_tables/documents.jsonl", "_storage/documents.jsonl"], zip.Entries.Select(e => e.FullName));
        Assert.Contains("instance secret and the admin key are unchanged", result.Out);
    }

    [Theory]
    [InlineData("staging")]
    [InlineData("prod")]
    public async Task Staging_and_prod_are_refused(string tier)
    {
        tools.Add("npx", "exit 0");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("aws-ecs", tier));

        var result = await CliRunner.RunAsync(["reset", "--from", outputs, "--yes"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"refusing to reset a {tier}-tier stack: reset is for dev-tier stacks and the local target only", result.Error);
        Assert.Empty(tools.Calls());
    }
}

public sealed class CloudSettingsGuardTests : IDisposable
{
    private readonly Servers.FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-guard-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Theory]
    [InlineData("reset", "--yes")]
    [InlineData("backup", "--dir", "b")]
    public async Task A_cloud_deployment_in_env_local_stops_before_npx_runs(string verb, params string[] extra)
    {
        tools.Add("npx", "exit 0");
        File.WriteAllText(Path.Combine(directory, ".env.local"), "CONVEX_DEPLOYMENT=dev:happy-otter-123\n");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("local", "dev", "http://127.0.0.1:3210"));

        var result = await CliRunner.RunAsync([verb, "--from", outputs, .. extra], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Convex Cloud settings are set here: CONVEX_DEPLOYMENT (.env.local)", result.Error);
        Assert.Contains("convex-infra env --stack STACK --format convex-cli --write .env.local", result.Error);
        Assert.Empty(tools.Calls());
    }

    [Fact]
    public async Task A_deploy_key_in_the_environment_stops_restore()
    {
        tools.Add("npx", "exit 0");
        var outputs = BackupFixtures.Write(directory, "outputs.json", BackupFixtures.Outputs("local", "dev", "http://127.0.0.1:3210"));
        var env = BackupFixtures.Env(tools);
        env["CONVEX_DEPLOY_KEY"] = "prod:happy-otter-123|eyJ2";

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "missing.zip", "--yes"], environment: env, workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("CONVEX_DEPLOY_KEY (environment)", result.Error);
        Assert.DoesNotContain("eyJ2", result.Error);
        Assert.Empty(tools.Calls());
    }
}
