using System.Text.Json.Nodes;

namespace ConvexInfra.Cli.Tests;

/// <summary>
/// The drill's database backup copy check against a fake <c>aws</c> that answers per scenario what RDS would: the
/// arguments it gets (regions, identifiers) and what the report says.
/// </summary>
public sealed partial class RestoreDrillTests
{
    private const string Identifier = "prod-convex-prod-database-postgres-1a2b3c4";
    private const string Endpoint = $"{Identifier}.cabc123xyz.eu-west-1.rds.amazonaws.com";
    private const string CopyArn = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-a1b2c3d4e5f6";
    private const string Urn = "urn:pulumi:prod::convex-infra::convex-infra:index:ConvexDeployment$convex-infra:ops:BackupCopy$command:local:Command::prod-convex-prod-backup-copy-database";

    /// <summary>The prod stack of the outputs fixture: ECS in eu-west-1, so a backup copy in eu-central-1 keeping 14 days.</summary>
    private const string ProdStackFile = """
        config:
          aws:region: eu-west-1
          convex-infra:target: aws-ecs
          convex-infra:instanceName: convex-prod
          convex-infra:imageRevision: 0123456789abcdef0123456789abcdef01234567
          convex-infra:domain: convex.example.com
          convex-infra:hostedZoneId: Z0123456789ABCDEFGHIJ
          convex-infra:backupRetentionDays: 14

        """;

    private static (string, string?) Replicating => (Replication(CopyArn), Backup("replicating"));

    private static string Replication(params string[] arns) => new JsonArray([.. arns.Select(a => new JsonObject { ["DBInstanceAutomatedBackupsArn"] = a })]).ToJsonString();

    private static string Backup(string status, int days = 14) => new JsonObject
    {
        ["DBInstanceAutomatedBackups"] = new JsonArray(new JsonObject
        {
            ["DBInstanceAutomatedBackupsArn"] = CopyArn,
            ["Region"] = "eu-central-1",
            ["Status"] = status,
            ["KmsKeyId"] = "arn:aws:kms:eu-central-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            ["BackupRetentionPeriod"] = days,
        }),
    }.ToJsonString();

    private static string Instance(string replications, DateTimeOffset created) => $$"""
        {"DBInstances":[{"DBInstanceIdentifier":"{{Identifier}}","InstanceCreateTime":"{{created:yyyy-MM-ddTHH:mm:ss.ffffffzzz}}",
          "Endpoint":{"Address":"{{Endpoint}}","Port":5432},"DBInstanceAutomatedBackupsReplications":{{replications}}}]}
        """;

    private static string WithEndpoint(string outputs)
    {
        var json = JsonNode.Parse(outputs)!.AsObject();
        json["databaseEndpoint"] = Endpoint;
        return json.ToJsonString();
    }

    private string RdsDir => Path.Combine(directory, "rds");

    /// <summary>The repository the drill reads the stack file from (found upwards from its working directory).</summary>
    private void WriteStackFile(string extra = "")
    {
        File.WriteAllText(Path.Combine(directory, "Pulumi.yaml"), "name: convex-infra\nruntime: dotnet\n");
        File.WriteAllText(Path.Combine(directory, "Pulumi.prod.yaml"), ProdStackFile + extra);
    }

    /// <summary>What RDS answers: the instance (created <paramref name="instanceAge"/> ago) and, when given, the replicated backup in the copy region.</summary>
    private void Rds((string Replications, string? Backup) answer, TimeSpan? instanceAge = null)
    {
        Directory.CreateDirectory(RdsDir);
        File.WriteAllText(Path.Combine(RdsDir, "instance.json"), Instance(answer.Replications, DateTimeOffset.UtcNow - (instanceAge ?? TimeSpan.FromDays(90))));
        File.Delete(Path.Combine(RdsDir, "backup.json"));
        if (answer.Backup is { } backup)
        {
            File.WriteAllText(Path.Combine(RdsDir, "backup.json"), backup);
        }
    }

    private async Task<CliRunner.Result> DrillDatabaseCopyAsync((string Replications, string? Backup) answer, TimeSpan? instanceAge = null)
    {
        FakeAws();
        Rds(answer, instanceAge);
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);
        return await DrillAsync(sandbox, "--report", "summary.md");
    }

    private List<IReadOnlyList<string>> RdsCalls() => tools.Calls("aws").Where(c => c.Args[0] == "rds").Select(c => (IReadOnlyList<string>)c.Args).ToList();

    [Fact]
    public async Task A_replicating_copy_passes_after_asking_rds_in_the_stacks_region_then_the_copy_region()
    {
        var result = await DrillDatabaseCopyAsync(Replicating);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Equal(
        [
            ["rds", "describe-db-instances", "--region", "eu-west-1", "--db-instance-identifier", Identifier, "--output", "json"],
            ["rds", "describe-db-instance-automated-backups", "--region", "eu-central-1", "--db-instance-automated-backups-arn", CopyArn, "--output", "json"],
        ], RdsCalls());
        Assert.Matches(@"  database backup copy: replicating: replicating in eu-central-1, kept 14 day\(s\) \(arn:aws:rds:eu-central-1:[^)]+\) \([0-9.]+ (ms|s), not part of the RTO\)", result.Out);
        Assert.Contains("| database backup copy | replicating: replicating in eu-central-1", File.ReadAllText(Path.Combine(directory, "summary.md")));
        Assert.Contains("drill: PASSED", result.Out);
    }

    [Fact]
    public async Task Pending_on_a_young_instance_passes_with_a_warning()
    {
        var result = await DrillDatabaseCopyAsync((Replication(CopyArn), Backup("PENDING")), TimeSpan.FromHours(2));

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("database backup copy: not yet replicating: PENDING in eu-central-1", result.Out);
        Assert.Contains("WARN PENDING in eu-central-1: the instance is 2 h old", result.Out);
        Assert.Contains("drill: PASSED", result.Out);
    }

    [Theory]
    [InlineData("none", "are not replicated to any region, not to the copy region eu-central-1")]
    [InlineData("retained", "are retained in eu-central-1, not replicating: the replication was stopped (outside Pulumi: pulumi refresh cannot see it)")]
    [InlineData("retention", "are kept 7 day(s) in eu-central-1; the stack file asks for 14 (backupRetentionDays)")]
    [InlineData("pending-old", "are still pending in eu-central-1 although the instance is 90 d old")]
    public async Task A_copy_that_is_not_replicating_as_planned_fails_the_drill_with_the_stack_the_region_and_the_fix(string scenario, string expected)
    {
        (string, string?) answer = scenario switch
        {
            "none" => (Replication(), null),
            "retained" => (Replication(CopyArn), Backup("retained")),
            "retention" => (Replication(CopyArn), Backup("replicating", days: 7)),
            _ => (Replication(CopyArn), Backup("pending")),
        };

        var result = await DrillDatabaseCopyAsync(answer);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"  FAIL database backup copy: the RDS automated backups of stack 'prod' (instance {Identifier}, eu-west-1) {expected}", result.Out);
        Assert.Contains($"restart it with: pulumi up --stack prod --replace '{Urn}'", result.Out);
        Assert.Contains("drill: FAILED (1 problem(s))", result.Out);
        Assert.Contains("- **FAIL** database backup copy:", File.ReadAllText(Path.Combine(directory, "summary.md")));
        // The restore itself still ran and was measured, and the container is gone.
        Assert.Contains("table messages: export 3, restored 3", result.Out);
        Assert.Equal("rm", tools.Calls("docker")[^1].Args[0]);
        Assert.Equal(scenario == "none" ? 1 : 2, RdsCalls().Count);
    }

    [Fact]
    public async Task A_refused_describe_is_a_problem_naming_the_permission_not_a_pass()
    {
        FakeAws();
        File.WriteAllText(Path.Combine(RdsDir, "deny"), string.Empty);
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"FAIL database backup copy: aws rds describe-db-instances --db-instance-identifier {Identifier} in eu-west-1 failed with exit code 254: " +
            "An error occurred (AccessDenied) when calling the DescribeDBInstances operation: not authorized to perform: rds:DescribeDBInstances (the drill role needs rds:DescribeDBInstances, docs/cicd.md)", result.Out);
        Assert.Contains("database backup copy: FAILED: could not be checked", result.Out);
        Assert.Single(RdsCalls());
    }

    [Fact]
    public async Task A_stack_without_database_backup_replication_is_skipped_in_one_line_without_asking_rds()
    {
        FakeAws();
        WriteStackFile("  convex-infra:backupCopy: false\n");
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        Assert.Contains("  database backup copy: skipped: not checked: stack 'prod' has no backup copy (convex-infra:backupCopy is off for the prod tier or not on AWS)\n", result.Out);
        Assert.Empty(RdsCalls());
    }

    [Fact]
    public async Task Without_the_stack_file_the_check_is_a_problem_that_names_root()
    {
        FakeAws();
        File.Delete(Path.Combine(directory, "Pulumi.yaml"));
        FakeDocker();
        tools.Add("npx", "exit 0");
        await using var sandbox = await SandboxAsync();
        Restored(sandbox);

        var result = await DrillAsync(sandbox);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no Pulumi.yaml found here or in any parent folder", result.Error);
        Assert.Contains("FAIL database backup copy: Pulumi.prod.yaml could not be read (see above); the drill reads it for the backup copy region and retention: run it from the repository or pass --root DIR", result.Out);
        Assert.Empty(RdsCalls());

        // --root points the drill at the repository.
        var repository = Directory.CreateTempSubdirectory("convex-infra-drill-repo-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(repository, "Pulumi.yaml"), "name: convex-infra\nruntime: dotnet\n");
            File.Move(Path.Combine(directory, "Pulumi.prod.yaml"), Path.Combine(repository, "Pulumi.prod.yaml"));
            var rooted = await DrillAsync(sandbox, "--root", repository);
            Assert.True(rooted.ExitCode == 0, rooted.Out + rooted.Error);
            Assert.Equal(2, RdsCalls().Count);
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }
}
