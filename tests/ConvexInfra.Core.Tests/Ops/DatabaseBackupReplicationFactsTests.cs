using System.Text.Json;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// The replication scripts against what they rely on (Data/rds-backup-replication-facts.json): the error codes and the
/// message they match, and the CLI's presigning of the start, read from the installed botocore (a test tool).
/// </summary>
public sealed class DatabaseBackupReplicationFactsTests
{
    private static readonly Dictionary<string, string> Facts = LoadFacts();

    [Fact]
    public void The_scripts_match_the_error_codes_and_message_of_the_facts()
    {
        Assert.Contains($"'({Facts["not-ready-error-code"]})'", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        Assert.Contains($"'({Facts["instance-gone-error-code"]})'", DatabaseBackupReplication.StopScript, StringComparison.Ordinal);
        Assert.Contains($"'{Facts["not-replicating-message"]}'", DatabaseBackupReplication.StopScript, StringComparison.Ordinal);
        Assert.Contains($"'{Facts["not-replicating-message"]}'", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        Assert.Contains($"DBInstances[0].{Facts["replications-listed-on-the-source"]}[]", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        Assert.Contains("--source-region", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        // stderr is for failures only (the provider logs it as errors, fact command-stderr-is-logged-as-errors): progress
        // goes through log() to stdout; the fake-CLI runs check a success writes nothing to stderr.
        Assert.True(Facts.ContainsKey("command-stderr-is-logged-as-errors"));
        Assert.Contains("log() { printf 'rds-backup-replication: %s\\n' \"$*\"; }", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Botocore_presigns_the_start_and_names_the_error_codes_the_scripts_match()
    {
        const string Probe = """
            import sys, botocore.handlers, botocore.session
            event = sys.argv[1]
            print("presign", any(entry[0] == event and entry[1] is botocore.handlers.inject_presigned_url_rds for entry in botocore.handlers.BUILTIN_HANDLERS))
            model = botocore.session.get_session().get_service_model("rds")
            for op in ["StartDBInstanceAutomatedBackupsReplication", "StopDBInstanceAutomatedBackupsReplication"]:
                codes = sorted(s.metadata.get("error", {}).get("code", s.name) for s in model.operation_model(op).error_shapes)
                print(op, " ".join(codes))
            doc = model.operation_model("StartDBInstanceAutomatedBackupsReplication").input_shape.members["PreSignedUrl"].documentation
            print("presigned-doc", sys.argv[2] in doc)
            print("listed", "DBInstanceAutomatedBackupsReplications" in model.shape_for("DBInstance").members)
            print("arn-accepted", sys.argv[3] in model.operation_model("DescribeDBInstances").input_shape.members["DBInstanceIdentifier"].documentation)
            """;
        var result = ExternalTool.Run("python3", ["-c", Probe, Facts["start-presigned-by-source-region"], Facts["presigned-url-only-in-govcloud"], Facts["describe-accepts-the-arn"]]);
        Assert.True(result.ExitCode == 0, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l.Split(' ')[0], l => l.Split(' ').Skip(1).ToArray(), StringComparer.Ordinal);

        Assert.Equal(["True"], lines["presign"]);
        Assert.Equal(["True"], lines["presigned-doc"]);
        Assert.Equal(["True"], lines["listed"]);
        Assert.Equal(["True"], lines["arn-accepted"]);
        Assert.Contains(Facts["not-ready-error-code"], lines["StartDBInstanceAutomatedBackupsReplication"]);
        Assert.Contains(Facts["not-ready-error-code"], lines["StopDBInstanceAutomatedBackupsReplication"]);
        Assert.Contains(Facts["instance-gone-error-code"], lines["StopDBInstanceAutomatedBackupsReplication"]);
    }

    private static Dictionary<string, string> LoadFacts()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "components", "ConvexInfra.Core", "Data", "rds-backup-replication-facts.json")));
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var fact in json.RootElement.GetProperty("facts").EnumerateArray())
        {
            Assert.False(string.IsNullOrWhiteSpace(fact.GetProperty("source").GetString()), fact.GetProperty("key").GetString());
            facts.Add(fact.GetProperty("key").GetString()!, fact.GetProperty("value").GetString()!);
        }

        return facts;
    }
}
