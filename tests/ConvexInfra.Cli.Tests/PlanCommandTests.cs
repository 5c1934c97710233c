using System.Text.Json;

namespace ConvexInfra.Cli.Tests;

public sealed class PlanCommandTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("convex-infra-plan-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ConvexInfra.sln not found");
    }

    [Theory]
    [InlineData("local", "http://127.0.0.1:3210", "local/docker-compose.preview.yml")]
    [InlineData("dev", "https://api.", "ec2/user-data.yaml")]
    [InlineData("staging", "https://api.", "ec2/host/etc/convex/caddy/Caddyfile")]
    [InlineData("prod", "https://api.", "aws/iam/roles/host-backend-access.json")]
    [InlineData("ecs", "https://api.", "aws/ecs/ecs-task.containers.json")]
    public async Task Plans_every_repository_stack_and_writes_its_artifacts(string stack, string apiUrlStart, string someArtifact)
    {
        var outDir = Path.Combine(scratch, stack);
        var result = await CliRunner.RunAsync(["plan", "--stack", stack, "--out", outDir], workingDirectory: RepoRoot());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Stack {stack}:", result.Out);
        Assert.Contains(apiUrlStart, result.Out);
        Assert.Contains("Estimated monthly cost: $", result.Out);
        Assert.True(File.Exists(Path.Combine(outDir, someArtifact)), $"{someArtifact} missing in {outDir}");
        var env = await File.ReadAllTextAsync(Path.Combine(outDir, "env", "backend.env"));
        Assert.DoesNotContain("INSTANCE_SECRET=", env);
    }

    [Fact]
    public async Task Json_output_carries_urls_cost_and_artifact_list()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "dev", "--json"], workingDirectory: RepoRoot());

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        Assert.Equal("aws-ec2", json.RootElement.GetProperty("target").GetString());
        Assert.StartsWith("https://", json.RootElement.GetProperty("urls").GetProperty("api").GetString(), StringComparison.Ordinal);
        Assert.True(json.RootElement.GetProperty("monthlyCostUsd").GetDecimal() > 0);
        Assert.Contains(json.RootElement.GetProperty("artifacts").EnumerateArray(), a => a.GetString() == "ec2/release.json");
    }

    [Fact]
    public async Task Text_output_lists_backups_and_monitoring_their_cost_and_the_cold_deploy_time()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "ecs"], workingDirectory: RepoRoot());

        Assert.Equal(0, result.ExitCode);
        foreach (var expected in new[]
        {
            "  backups", "aws:scheduler:Schedule", "  monitoring", "aws:cloudwatch:Dashboard", "aws:route53:HealthCheck",
            "aws:cloudwatch:MetricAlarm", "aws:cloudwatch:EventRule", "aws:sns:Topic", "idle timeout 600 s",
            "  backups: $", "  monitoring: $", "CloudWatch dashboard", "Expected cold deploy: ", "rds-multi-az",
        })
        {
            Assert.Contains(expected, result.Out);
        }

        Assert.DoesNotContain("300 s+", result.Out);
    }

    [Fact]
    public async Task Json_output_carries_resources_by_type_cost_categories_and_the_deploy_time()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "prod", "--json"], workingDirectory: RepoRoot());

        Assert.Equal(0, result.ExitCode);
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        var resources = root.GetProperty("resources").EnumerateArray().ToList();
        Assert.Equal(root.GetProperty("resourceCount").GetInt32(), resources.Sum(r => r.GetProperty("count").GetInt32()));
        Assert.Contains(resources, r => r.GetProperty("group").GetString() == "monitoring" && r.GetProperty("type").GetString() == "aws:cloudwatch/dashboard:Dashboard");
        var categories = root.GetProperty("monthlyCostByCategoryUsd");
        Assert.True(categories.GetProperty("monitoring").GetDecimal() >= 3m);
        Assert.True(categories.GetProperty("backups").GetDecimal() > 0m);
        var deploy = root.GetProperty("coldDeployMinutes");
        Assert.True(deploy.GetProperty("low").GetInt32() < deploy.GetProperty("high").GetInt32());
        Assert.Contains(deploy.GetProperty("criticalPath").EnumerateArray(), s => s.GetProperty("step").GetString() == "rds-multi-az");
    }

    [Fact]
    public async Task A_broken_stack_file_lists_every_error_with_its_key_and_exits_1()
    {
        await File.WriteAllTextAsync(Path.Combine(scratch, "Pulumi.yaml"), "name: convex-infra\nruntime: dotnet\n");
        await File.WriteAllTextAsync(Path.Combine(scratch, "Pulumi.broken.yaml"), """
            config:
              convex-infra:target: aws-ec2
              convex-infra:instanceName: Acme_Prod
              convex-infra:imageRevision: latest
              convex-infra:sshAllowedCidrs: ["0.0.0.0/0"]
              convex-infra:instanceNmae: typo
            """);

        var result = await CliRunner.RunAsync(["plan", "--stack", "broken"], workingDirectory: scratch);

        Assert.Equal(1, result.ExitCode);
        foreach (var key in new[] { "convex-infra:instanceName", "convex-infra:imageRevision", "convex-infra:sshAllowedCidrs", "aws:region", "convex-infra:domain", "convex-infra:instanceNmae" })
        {
            Assert.Contains(key, result.Error);
        }

        Assert.Contains("nothing was planned", result.Error);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task An_unknown_stack_names_the_stacks_that_exist()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "qa"], workingDirectory: RepoRoot());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Pulumi.qa.yaml", result.Error);
        Assert.Contains("dev", result.Error);
    }

    [Fact]
    public async Task Outside_a_repository_it_says_how_to_point_at_one()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "dev"], workingDirectory: scratch);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--root", result.Error);
    }

    [Fact]
    public async Task Missing_stack_option_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["plan"], workingDirectory: RepoRoot());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--stack", result.Error);
    }
}

/// <summary><c>plan --running-revision</c> runs the revision check of <c>pulumi up</c>, storage-mode guard included.</summary>
public sealed class PlanRevisionCheckTests
{
    private const string StaticKeyRevision = "4d3b0a5de955a258e70e3813bbff486051d88820";

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ConvexInfra.sln not found");
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("ecs")]
    public async Task Leaving_a_local_storage_revision_on_aws_is_refused_as_pulumi_up_refuses_it(string stack)
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", stack, "--running-revision", StaticKeyRevision], workingDirectory: RepoRoot());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("`pulumi up` would refuse this revision; nothing was planned", result.Error);
        Assert.Contains("convex-infra:storageMigrationConfirmed", result.Error);
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task The_local_target_never_had_S3_settings_so_it_has_no_guard()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "local", "--running-revision", StaticKeyRevision], workingDirectory: RepoRoot());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"Revision check: Upgrade from {StaticKeyRevision} to ", result.Out);
    }

    [Fact]
    public async Task The_running_revision_is_reported_in_text_and_json()
    {
        var text = await CliRunner.RunAsync(["plan", "--stack", "prod", "--running-revision", "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf"], workingDirectory: RepoRoot());
        var json = await CliRunner.RunAsync(["plan", "--stack", "prod", "--json", "--running-revision", "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf"], workingDirectory: RepoRoot());
        var without = await CliRunner.RunAsync(["plan", "--stack", "prod", "--json"], workingDirectory: RepoRoot());

        Assert.Contains("Revision check: Revision 652b828b5129e6cdbcaa3c20efa8d116d09ff3bf is already the current one.", text.Out);
        using var document = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.Contains("already the current one", document.RootElement.GetProperty("revisionCheck").GetString(), StringComparison.Ordinal);
        using var plain = System.Text.Json.JsonDocument.Parse(without.Out);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, plain.RootElement.GetProperty("revisionCheck").ValueKind);
    }

    [Fact]
    public async Task A_malformed_running_revision_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["plan", "--stack", "dev", "--running-revision", "4d3b0a5"], workingDirectory: RepoRoot());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--running-revision: got '4d3b0a5'", result.Error);
    }
}
