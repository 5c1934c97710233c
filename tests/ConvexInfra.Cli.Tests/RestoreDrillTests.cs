using System.IO.Compression;
using System.Text.Json;
using ConvexInfra.Cli.Tests.Servers;
using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Cli.Tests;

/// <summary>
/// <c>restore --drill</c> with fake aws, npx, docker and pulumi on PATH and a loopback backend playing the restored
/// deployment: the throwaway container's instance secret reaches the fake docker only through its env file, and the
/// loopback backend accepts exactly the admin key issued from that secret.
/// </summary>
public sealed partial class RestoreDrillTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IDisposable
{
    private const string EnvSecret = "sk_live_drill_0123456789";
    private readonly FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-drill-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private string Bucket => Path.Combine(directory, "bucket");

    private string SandboxEnv => Path.Combine(directory, "sandbox.env");

    /// <summary>The exports bucket on disk: one export (3 messages, 2 users, 1 stored file) and one stored variable set.</summary>
    private void FakeAws(DateTime? exportedAt = null, bool storedEnv = true)
    {
        var export = Path.Combine(Bucket, "convex-prod-0f1e", "9b1d");
        Directory.CreateDirectory(Path.GetDirectoryName(export)!);
        using (var zip = ZipFile.Open(export, ZipArchiveMode.Create))
        {
            void Add(string name, string text)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }

            Add("README.md", "# Welcome to your Convex snapshot export!\n");
            Add("_tables/documents.jsonl", "{\"name\":\"messages\",\"id\":10001}\n{\"name\":\"users\",\"id\":10002}\n");
            Add("messages/documents.jsonl", "{\"_id\":\"a\"}\n{\"_id\":\"b\"}\n{\"_id\":\"c\"}\n");
            Add("messages/generated_schema.jsonl", "\"uniform\"\n");
            Add("users/documents.jsonl", "{\"_id\":\"u\"}\n{\"_id\":\"v\"}\n");
            Add("_storage/documents.jsonl", "{\"_id\":\"kg2abc\",\"size\":4}\n");
            Add("_storage/kg2abc.png", "data");
        }

        File.SetLastWriteTimeUtc(export, exportedAt ?? DateTime.UtcNow.AddHours(-3));
        WriteStackFile();
        Rds(Replicating);
        var env = Path.Combine(Bucket, "deployment-env", "deployment-env-20261206T031700Z.json");
        Directory.CreateDirectory(Path.GetDirectoryName(env)!);
        File.WriteAllText(storedEnv ? env : Path.Combine(directory, "unused.json"), JsonSerializer.Serialize(new Dictionary<string, string> { ["APP_MODE"] = "production", ["STRIPE_KEY"] = EnvSecret }));
        tools.Add("aws", $$"""
            bucket="{{Bucket}}"
            prefix="s3://{{BackupFixtures.Bucket}}/"
            last="${@: -1}"
            before="${@: -2:1}"
            case "$1 $2" in
              "s3api list-objects-v2")
                printf '{"Contents":['
                sep=""
                while IFS= read -r f; do
                  printf '%s{"Key":"%s","LastModified":"%s","Size":%s}' "$sep" "${f#${bucket}/}" "$(date -u -r "$f" +%Y-%m-%dT%H:%M:%S+00:00)" "$(stat -c %s "$f")"
                  sep=","
                done < <(find "$bucket" -type f | sort)
                printf ']}\n' ;;
              "s3 cp")
                if [ "$last" = "-" ]; then cat "$bucket/${before#$prefix}"; else cp "$bucket/${before#$prefix}" "$last"; fi ;;
              "rds describe-db-instances")
                if [ -f "{{RdsDir}}/deny" ]; then
                  echo "An error occurred (AccessDenied) when calling the DescribeDBInstances operation: not authorized to perform: rds:DescribeDBInstances" >&2; exit 254; fi
                cat "{{RdsDir}}/instance.json" ;;
              "rds describe-db-instance-automated-backups")
                if [ -f "{{RdsDir}}/backup.json" ]; then cat "{{RdsDir}}/backup.json"; else
                  echo "An error occurred (DBInstanceAutomatedBackupNotFound) when calling the DescribeDBInstanceAutomatedBackups operation: not found" >&2; exit 254; fi ;;
              *) echo "unexpected call: $*" >&2; exit 9 ;;
            esac
            """);
    }

    /// <summary>docker run keeps a copy of the env file it was given (the test's only way to the secret); docker rm succeeds.</summary>
    private void FakeDocker() => tools.Add("docker", $$"""
        case "$1" in
          run)
            while [ $# -gt 0 ]; do if [ "$1" = "--env-file" ]; then cp "$2" "{{SandboxEnv}}"; fi; shift; done
            echo 4f2a9c0d1e ;;
          rm) exit 0 ;;
          *) echo "unexpected docker call: $*" >&2; exit 9 ;;
        esac
        """);

    /// <summary>The loopback backend as the throwaway container: named convex-drill, accepting only the key of the secret docker got.</summary>
    private Task<FakeConvexDeployment> SandboxAsync() => FakeConvexDeployment.StartAsync(certificates, new BackendBehavior
    {
        Https = false,
        InstanceName = "convex-drill",
        // A fresh backend: an export holds no code, so nothing is deployed after the import.
        Functions = [],
        KeyCheck = key =>
        {
            var secret = File.ReadAllLines(SandboxEnv).Single(l => l.StartsWith("INSTANCE_SECRET=", StringComparison.Ordinal))["INSTANCE_SECRET=".Length..];
            return AdminKeyVerifier.Verify("convex-drill", InstanceSecret.Parse(secret), key).Accepted;
        },
    });

    private static void Restored(FakeConvexDeployment deployment, long messages = 3, long users = 2, long files = 1)
    {
        deployment.Tables["messages"] = messages;
        deployment.Tables["users"] = users;
        deployment.Files = files;
    }

    private Task<CliRunner.Result> DrillAsync(FakeConvexDeployment sandbox, params string[] extra)
    {
        var outputs = BackupFixtures.Write(directory, "prod.json", WithEndpoint(BackupFixtures.Outputs("aws-ecs", "prod")));
        return CliRunner.RunAsync(
            ["restore", "--outputs", outputs, "--drill", "--drill-ports", $"{sandbox.Api.Port}:{sandbox.Site.Port}", .. extra],
            environment: BackupFixtures.Env(tools), workingDirectory: directory);
    }

    [Fact]
    public async Task The_drill_restores_the_newest_export_and_its_variables_into_a_throwaway_backend_and_reports_rpo_and_rto()
    {
        FakeAws();
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox, "--report", "summary.md");

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var docker = tools.Calls("docker");
        Assert.Equal(2, docker.Count);
        Assert.Equal(["run", "--detach", "--name"], docker[0].Args.Take(3));
        Assert.Contains($"127.0.0.1:{sandbox.Api.Port}:3210", docker[0].Args);
        Assert.Equal("ghcr.io/get-convex/convex-backend:0123456789abcdef0123456789abcdef01234567", docker[0].Args[^1]);
        Assert.Equal(["rm", "--force", "--volumes", docker[0].Args[3]], docker[1].Args);
        var import = Assert.Single(tools.Calls("npx"));
        Assert.Equal(["convex", "import", "--replace-all", "--yes"], import.Args.Take(4));
        Assert.Equal($"http://127.0.0.1:{sandbox.Api.Port}", import.Environment["CONVEX_SELF_HOSTED_URL"]);
        Assert.True(sandbox.Behavior.Accepts("Convex " + import.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"]), "npx got the key of the container's own secret");
        Assert.Equal(new Dictionary<string, string> { ["APP_MODE"] = "production", ["STRIPE_KEY"] = EnvSecret }, sandbox.Variables);

        Assert.Contains("table messages: export 3, restored 3", result.Out);
        Assert.Contains("files: export 1, restored 1", result.Out);
        Assert.Matches(@"RPO \(age of the newest export\): (2 h 59 min|3 h)[^\n]*\(promised ≤ 25 h, prod tier\)", result.Out);
        Assert.Matches(@"restore time \(RTO\): [0-9.]+ s \(promised ≤ 2 h\): download ", result.Out);
        Assert.Contains("PASS  admin-key", result.Out);
        Assert.Contains("no functions deployed, as expected: an export holds no code", result.Out);
        Assert.Contains("drill: PASSED", result.Out);
        var summary = File.ReadAllText(Path.Combine(directory, "summary.md"));
        Assert.Contains("## Restore drill: passed", summary);
        Assert.Contains("| `messages` | 3 | 3 |", summary);
        Assert.Contains("| stored files | 1 | 1 |", summary);

        // Neither the variables' values nor the instance secret nor the key appear in arguments, output or the report.
        var secret = File.ReadAllLines(SandboxEnv).Single(l => l.StartsWith("INSTANCE_SECRET=", StringComparison.Ordinal))["INSTANCE_SECRET=".Length..];
        foreach (var value in new[] { EnvSecret, "production", secret, import.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"] })
        {
            Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Args, a => a.Contains(value, StringComparison.Ordinal)));
            Assert.DoesNotContain(value, result.Out + result.Error + summary, StringComparison.Ordinal);
        }

        Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Environment.Values, v => v.Contains(EnvSecret, StringComparison.Ordinal)));
        var envFile = docker[0].Args[docker[0].Args.ToList().IndexOf("--env-file") + 1];
        Assert.False(File.Exists(envFile), "the env file with the instance secret is deleted once docker has read it");
    }

    [Fact]
    public async Task A_count_that_differs_fails_the_drill_with_the_table_and_both_numbers_and_still_removes_the_container()
    {
        FakeAws();
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox, messages: 2, files: 0);

        var result = await DrillAsync(sandbox, "--report", "summary.md");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL table messages: the export lists 3 document(s), the restored deployment holds 2", result.Out);
        Assert.Contains("FAIL file storage: the export lists 1 file(s), the restored deployment holds 0", result.Out);
        Assert.Contains("drill: FAILED (2 problem(s))", result.Out);
        Assert.Contains("## Restore drill: FAILED", File.ReadAllText(Path.Combine(directory, "summary.md")));
        Assert.Equal("rm", tools.Calls("docker")[^1].Args[0]);
    }

    [Fact]
    public async Task A_table_missing_after_the_restore_is_named()
    {
        FakeAws();
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        sandbox.Tables["messages"] = 3;
        sandbox.Files = 1;

        var result = await DrillAsync(sandbox);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL table users: the export lists 2 document(s), but the restored deployment has no such table", result.Out);
    }

    [Fact]
    public async Task An_export_older_than_the_tiers_promise_fails_the_drill_with_the_rpo()
    {
        FakeAws(exportedAt: DateTime.UtcNow.AddDays(-3));
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL the newest export is 3 d old; the prod tier promises at most 25 h", result.Out);

        var relaxed = await DrillAsync(sandbox, "--max-rpo", "80h");
        Assert.True(relaxed.ExitCode == 0, relaxed.Out + relaxed.Error);
    }

    [Fact]
    public async Task Without_stored_variables_the_drill_restores_the_data_and_says_so_unless_they_are_asked_for()
    {
        FakeAws(storedEnv: false);
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("holds no stored variables (the export task stores them beside each export since this ConvexInfra version); restoring without", result.Error);
        Assert.Contains("deployment variables put back: 0", result.Out);
        Assert.Empty(sandbox.Variables);

        var insisted = await DrillAsync(sandbox, "--deployment-env", "latest");
        Assert.Equal(1, insisted.ExitCode);
        Assert.Contains("--deployment-env latest: s3://", insisted.Error);
    }

    [Fact]
    public async Task A_failed_import_is_a_clear_error_and_the_container_is_removed()
    {
        FakeAws();
        FakeDocker();
        tools.Add("npx", """echo "Hit an error while importing: table messages: invalid _id" >&2; exit 1""");
        await using var sandbox = await SandboxAsync();

        var result = await DrillAsync(sandbox);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("npx convex import into the drill target failed with exit code 1: Hit an error while importing", result.Error);
        Assert.Contains("removed convex-drill-", result.Error);
        Assert.Equal("rm", tools.Calls("docker")[^1].Args[0]);
    }

    [Theory]
    [InlineData("staging", "only goes into a dev-tier stack (this one is staging)")]
    [InlineData("dev", null)]
    public async Task Into_a_named_stack_only_a_dev_tier_one(string tier, string? refusal)
    {
        FakeAws();
        tools.Add("npx", "exit 0");
        await using var target = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        Restored(target);
        var outputs = JsonSerializer.Deserialize<Dictionary<string, object>>(target.OutputsJson())!;
        outputs["tier"] = tier;
        outputs["stack"] = "drill-target";
        var targetJson = BackupFixtures.Write(directory, "target.json", JsonSerializer.Serialize(outputs));
        tools.Add("pulumi", $$"""cat "{{targetJson}}" """);
        var source = BackupFixtures.Write(directory, "prod.json", WithEndpoint(BackupFixtures.Outputs("aws-ecs", "prod")));

        var result = await CliRunner.RunAsync(["restore", "--outputs", source, "--drill", "--into", "drill-target"], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        if (refusal is not null)
        {
            Assert.Equal(2, result.ExitCode);
            Assert.Contains(refusal, result.Error);
            Assert.Empty(tools.Calls("npx"));
            return;
        }

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Equal(["stack", "output", "--json", "--show-secrets", "--non-interactive", "--stack", "drill-target"], Assert.Single(tools.Calls("pulumi")).Args);
        Assert.Equal(BackendBehavior.DefaultKey, Assert.Single(tools.Calls("npx")).Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"]);
        Assert.Equal(EnvSecret, target.Variables["STRIPE_KEY"]);
        Assert.Contains("drill: PASSED", result.Out);
    }

    [Theory]
    [InlineData(new[] { "--drill", "--yes" }, "--drill always replaces everything in its throwaway target")]
    [InlineData(new[] { "--drill", "--drill-ports", "80:81" }, "--drill-ports: got '80:81'")]
    [InlineData(new[] { "--drill", "--from", "s3://b/k" }, "--drill restores the newest export")]
    public async Task Bad_drill_options_are_usage_errors(string[] flags, string expected)
    {
        var outputs = BackupFixtures.Write(directory, "prod.json", BackupFixtures.Outputs("aws-ecs", "prod"));

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, .. flags], environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
        Assert.Empty(tools.Calls());
    }
}
