using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Workflows;

namespace ConvexInfra.Core.Tests.Backup;

/// <summary>
/// The drill's judgement of the replicated RDS automated backups (<see cref="DatabaseCopyCheck"/>): what the stack
/// file promises, what RDS answers, and the fix it names.
/// </summary>
public sealed partial class DatabaseCopyCheckTests
{
    private const string CopyArn = "arn:aws:rds:eu-central-1:333333333333:auto-backup:ab-a1b2c3d4e5f6";
    private const string CopyKey = "arn:aws:kms:eu-central-1:333333333333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 4, 41, 0, TimeSpan.Zero);

    private static DeploymentSpec Stack(string name) => TestConfigs.ReadValid(StackFile.Load(Path.Combine(WorkflowYaml.Root, $"Pulumi.{name}.yaml")));

    private static DatabaseCopyExpectation Prod => DatabaseCopyExpectation.For(Stack("prod"))!;

    private static RdsInstanceState Instance(TimeSpan age, params string[] arns) =>
        new("prod-acme-prod-database-postgres-1a2b3c4", "prod-acme-prod-database-postgres-1a2b3c4.cabc123xyz.eu-west-1.rds.amazonaws.com", Now - age, arns);

    private static AutomatedBackupState Backup(string status = "replicating", int? days = 14, string? key = CopyKey) => new(CopyArn, "eu-central-1", status, key, days);

    [Theory]
    [InlineData("prod")]
    [InlineData("ecs")]
    public void The_stacks_that_replicate_expect_their_copy_region_and_retention_and_name_the_command_to_replace(string name)
    {
        var spec = Stack(name);
        var expected = DatabaseCopyExpectation.For(spec)!;
        var plan = BackupCopyPlan.For(spec)!;

        Assert.Equal(("eu-west-1", "eu-central-1", plan.RdsRetentionDays), (expected.SourceRegion, expected.CopyRegion, expected.RetentionDays));
        Assert.Equal(spec.Database.BackupRetentionDays, expected.RetentionDays);
        Assert.Equal(
            $"urn:pulumi:{name}::convex-infra::convex-infra:index:ConvexDeployment$convex-infra:ops:BackupCopy$command:local:Command::{name}-acme-{name}-backup-copy-database",
            expected.ReplaceUrn);
        Assert.Equal($"restart it with: pulumi up --stack {name} --replace '{expected.ReplaceUrn}'", expected.Fix);
    }

    [Theory]
    [InlineData("prod")]
    [InlineData("ecs")]
    public void The_urn_names_a_resource_and_components_of_the_stacks_graph(string name)
    {
        // The graph snapshot (ConvexInfra.Components.Tests/Graph) lists every resource by type and name; the URN's
        // parent chain uses the component tokens of ComponentTokens.cs.
        var graph = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowYaml.Root, "tests", "ConvexInfra.Components.Tests", "Graph", "Snapshots", $"{name}.json")))!.AsArray();
        var spec = Stack(name);
        var resource = DatabaseCopyExpectation.ResourceName(spec);
        Assert.Contains(graph, r => (string?)r!["name"] == resource && (string?)r["type"] == DatabaseCopyExpectation.CommandToken);
        Assert.Contains(graph, r => (string?)r!["name"] == resource[..^"-database".Length] && (string?)r["type"] == DatabaseCopyExpectation.BackupCopyToken);
        Assert.Contains(graph, r => (string?)r!["type"] == DatabaseCopyExpectation.DeploymentToken);

        var tokens = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "components", "ConvexInfra.Components", "ComponentTokens.cs"));
        Assert.Equal(DatabaseCopyExpectation.DeploymentToken, Token(tokens, "ConvexDeployment"));
        Assert.Equal(DatabaseCopyExpectation.BackupCopyToken, Token(tokens, "BackupCopy"));
    }

    [Fact]
    public void Stacks_without_database_backup_replication_are_skipped_with_the_reason()
    {
        var dev = Stack("dev");
        Assert.Null(DatabaseCopyExpectation.For(dev));
        Assert.Equal("not checked: stack 'dev' has no backup copy (convex-infra:backupCopy is off for the dev tier or not on AWS)", DatabaseCopyExpectation.SkipReason(dev));

        var noBackups = TestConfigs.ReadValid(TestConfigs.Aws("dev", ("backupCopy", "true"), ("backupRetentionDays", "0")));
        Assert.Null(DatabaseCopyExpectation.For(noBackups));
        Assert.Contains("keeps no RDS automated backups", DatabaseCopyExpectation.SkipReason(noBackups), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("replicating")]
    [InlineData("REPLICATING")]
    [InlineData("Replicating")]
    public void A_replicating_copy_with_the_plans_retention_and_a_copy_region_key_passes_in_any_capitalization(string status)
    {
        var result = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), Backup(status), Now);

        Assert.Equal(DrillCheckOutcome.Passed, result.Outcome);
        Assert.Empty(result.Problems);
        Assert.Equal($"{status} in eu-central-1, kept 14 day(s) ({CopyArn})", result.Summary);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("PENDING")]
    [InlineData("creating")]
    public void Pending_on_an_instance_younger_than_a_day_is_a_warning_and_older_a_problem(string status)
    {
        var young = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromHours(3), CopyArn), Backup(status), Now);
        Assert.Equal(DrillCheckOutcome.Warning, young.Outcome);
        Assert.Empty(young.Problems);
        Assert.Contains($"WARN {status} in eu-central-1: the instance is 3 h old", young.Summary, StringComparison.Ordinal);

        var old = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(3), CopyArn), Backup(status), Now);
        Assert.Equal(DrillCheckOutcome.Failed, old.Outcome);
        var problem = Assert.Single(old.Problems);
        Assert.StartsWith("database backup copy: the RDS automated backups of stack 'prod' (instance prod-acme-prod-database-postgres-1a2b3c4, eu-west-1) are still", problem, StringComparison.Ordinal);
        Assert.EndsWith($"the replication never started; {Prod.Fix}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void No_replication_names_the_stack_the_copy_region_and_the_fix()
    {
        var result = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90)), null, Now);

        Assert.Equal(DrillCheckOutcome.Failed, result.Outcome);
        Assert.Equal(
            "database backup copy: the RDS automated backups of stack 'prod' (instance prod-acme-prod-database-postgres-1a2b3c4, eu-west-1) are not replicated to any region, not to the copy region eu-central-1; " +
            "restart it with: pulumi up --stack prod --replace 'urn:pulumi:prod::convex-infra::convex-infra:index:ConvexDeployment$convex-infra:ops:BackupCopy$command:local:Command::prod-acme-prod-backup-copy-database'",
            Assert.Single(result.Problems));
    }

    [Fact]
    public void A_replication_to_another_region_only_is_a_problem()
    {
        var result = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), "arn:aws:rds:us-east-1:333333333333:auto-backup:ab-0000"), null, Now);

        Assert.Contains("are replicated to us-east-1 only, not to the copy region eu-central-1", Assert.Single(result.Problems), StringComparison.Ordinal);
        Assert.Null(DatabaseCopyCheck.CopyArn(Prod, Instance(TimeSpan.Zero, "arn:aws:rds:us-east-1:333333333333:auto-backup:ab-0000")));
    }

    [Theory]
    [InlineData("retained", "are retained in eu-central-1, not replicating: the replication was stopped")]
    [InlineData("RETAINED", "are retained in eu-central-1, not replicating")]
    [InlineData("active", "are active in eu-central-1, not replicating")]
    public void A_stopped_or_unknown_status_is_a_problem_with_the_fix(string status, string expected)
    {
        var result = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), Backup(status), Now);

        Assert.Equal(DrillCheckOutcome.Failed, result.Outcome);
        var problem = Assert.Single(result.Problems);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.EndsWith(Prod.Fix, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_retention_or_a_key_of_another_region_is_a_problem_even_while_replicating()
    {
        var retention = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), Backup(days: 7), Now);
        Assert.Contains("are kept 7 day(s) in eu-central-1; the stack file asks for 14 (backupRetentionDays)", Assert.Single(retention.Problems), StringComparison.Ordinal);

        var key = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), Backup(key: "arn:aws:kms:eu-west-1:333333333333:key/abc"), Now);
        Assert.Contains("with a key of eu-west-1 (arn:aws:kms:eu-west-1:333333333333:key/abc), not the backup copy's key of eu-central-1", Assert.Single(key.Problems), StringComparison.Ordinal);

        // Absent fields are not judged.
        Assert.Equal(DrillCheckOutcome.Passed, DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), Backup(days: null, key: null), Now).Outcome);
    }

    [Fact]
    public void An_arn_the_copy_region_does_not_know_is_a_problem()
    {
        var result = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90), CopyArn), null, Now);

        Assert.Contains($"name {CopyArn} as their copy, but eu-central-1 has no such replicated backup", Assert.Single(result.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_answers_of_the_aws_cli_are_read_as_the_rds_api_model_names_them()
    {
        var instance = RdsInstanceState.Parse("""
            {"DBInstances":[{"DBInstanceIdentifier":"prod-acme-prod-database-postgres-1a2b3c4","InstanceCreateTime":"2026-11-02T10:15:00.123000+00:00",
              "Endpoint":{"Address":"prod-acme-prod-database-postgres-1a2b3c4.cabc123xyz.eu-west-1.rds.amazonaws.com","Port":5432},
              "DBInstanceAutomatedBackupsReplications":[{"DBInstanceAutomatedBackupsArn":"arn:aws:rds:eu-central-1:333333333333:auto-backup:ab-a1b2c3d4e5f6"}]}]}
            """);
        Assert.Equal("prod-acme-prod-database-postgres-1a2b3c4", instance.Identifier);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 10, 15, 0, 123, TimeSpan.Zero), instance.CreatedAt);
        Assert.Equal([CopyArn], instance.ReplicationArns);
        Assert.Empty(RdsInstanceState.Parse("""{"DBInstances":[{"DBInstanceIdentifier":"x"}]}""").ReplicationArns);
        Assert.Throws<FormatException>(() => RdsInstanceState.Parse("""{"DBInstances":[]}"""));

        var answer = $$"""
            {"DBInstanceAutomatedBackups":[{"DBInstanceAutomatedBackupsArn":"arn:aws:rds:eu-central-1:333333333333:auto-backup:ab-other","Status":"retained"},
              {"DBInstanceAutomatedBackupsArn":"{{CopyArn}}","Region":"eu-central-1","Status":"replicating","KmsKeyId":"{{CopyKey}}","BackupRetentionPeriod":14}]}
            """;
        Assert.Equal(Backup(), AutomatedBackupState.Parse(answer, CopyArn));
        Assert.Null(AutomatedBackupState.Parse("""{"DBInstanceAutomatedBackups":[]}""", CopyArn));
    }

    [Theory]
    [InlineData("prod-acme-prod-database-postgres-1a2b3c4.cabc123xyz.eu-west-1.rds.amazonaws.com", "prod-acme-prod-database-postgres-1a2b3c4")]
    [InlineData("", null)]
    [InlineData(null, null)]
    [InlineData("convex-local-postgres", null)]
    public void The_instance_identifier_is_the_first_label_of_an_rds_endpoint(string? address, string? identifier) =>
        Assert.Equal(identifier, RdsNames.IdentifierOf(address));

    [Fact]
    public void The_statuses_are_the_ones_the_cited_facts_name()
    {
        var facts = Facts();
        Assert.Equal(DatabaseCopyCheck.Replicating, facts["status-replicating"]);
        Assert.Equal(DatabaseCopyCheck.Pending, facts["status-pending"]);
        Assert.Equal(DatabaseCopyCheck.Retained, facts["status-retained"]);
        Assert.Equal(DatabaseCopyCheck.Creating, facts["status-creating"]);
    }

    [Fact]
    public void Botocore_answers_the_fields_the_check_reads_and_documents_the_creating_status()
    {
        // The installed botocore (a test tool) is the model the AWS CLI answers with.
        const string Probe = """
            import sys, botocore.session
            model = botocore.session.get_session().get_service_model("rds")
            backup = model.shape_for("DBInstanceAutomatedBackup").members
            print("backup", all(f in backup for f in sys.argv[1].split()))
            print("instance", all(f in model.shape_for("DBInstance").members for f in sys.argv[2].split()))
            print("creating", ("<code>" + sys.argv[3] + "</code>") in backup["Status"].documentation)
            print("by-arn", "DBInstanceAutomatedBackupsArn" in model.operation_model("DescribeDBInstanceAutomatedBackups").input_shape.members)
            """;
        var facts = Facts();
        var result = ConvexInfra.Core.Tests.Tools.ExternalTool.Run("python3", ["-c", Probe, facts["automated-backup-fields"], facts["instance-fields"], facts["status-creating"]]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(["backup True", "instance True", "creating True", "by-arn True"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static Dictionary<string, string> Facts() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowYaml.Root, "components", "ConvexInfra.Core", "Data", "rds-backup-replication-facts.json")))!["facts"]!.AsArray()
            .ToDictionary(f => (string)f!["key"]!, f => (string)f!["value"]!, StringComparer.Ordinal);

    [Fact]
    public void The_report_shows_the_check_apart_from_the_rto_and_fails_on_its_problems()
    {
        var listing = ExportListing.Read(new MemoryStream(EmptyExport()));
        var restored = new RestoredCounts(new Dictionary<string, long>(), 0);
        var prod = RecoveryPromise.For(Tier.Prod);
        var failed = DatabaseCopyCheck.Judge(Prod, Instance(TimeSpan.FromDays(90)), null, Now).WithTook(TimeSpan.FromSeconds(2));
        var problems = DrillReport.Judge(listing, restored, true, TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), prod, failed);
        var timings = new DrillTimings(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var report = new DrillReport("latest export of 'prod'", Now.AddHours(-1), Now, "throwaway", listing, restored, 0, timings, true, prod, problems, failed);

        Assert.Equal(failed.Problems, problems);
        Assert.False(report.Passed);
        Assert.Contains("  database backup copy: FAILED: not replicated to eu-central-1 (2 s, not part of the RTO)", report.Text(), StringComparison.Ordinal);
        Assert.Contains("  restore time (RTO): 1 min (promised ≤ 2 h)", report.Text(), StringComparison.Ordinal);
        Assert.Contains("| database backup copy | FAILED: not replicated to eu-central-1 (2 s, not part of the RTO) |", report.Markdown(), StringComparison.Ordinal);
        Assert.Contains("- **FAIL** database backup copy: the RDS automated backups of stack 'prod'", report.Markdown(), StringComparison.Ordinal);

        var skipped = report with { Problems = [], DatabaseCopy = DatabaseCopyCheck.Skipped(DatabaseCopyExpectation.SkipReason(Stack("dev"))) };
        Assert.Contains("  database backup copy: skipped: not checked: stack 'dev' has no backup copy", skipped.Text(), StringComparison.Ordinal);
        Assert.True(skipped.Passed);
    }

    private static byte[] EmptyExport()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("_tables/documents.jsonl").Open());
            writer.Write(string.Empty);
        }

        return buffer.ToArray();
    }

    private static string Token(string source, string name) => TokenLine().Matches(source).Single(m => m.Groups["name"].Value == name).Groups["token"].Value;

    [GeneratedRegex("""public const string (?<name>\w+) = "(?<token>[^"]+)";""")]
    private static partial Regex TokenLine();
}
