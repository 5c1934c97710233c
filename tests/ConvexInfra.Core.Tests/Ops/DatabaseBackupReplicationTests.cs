using System.Globalization;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// The backup copy's RDS backups replication scripts, checked by shellcheck and run for real under bash against a fake
/// AWS CLI that records every call's arguments and answers each operation per scenario (the n-th call of an operation
/// reads <c>OPERATION.N</c>, else <c>OPERATION</c>; <c>.err</c> and <c>.exit</c> beside it make it fail).
/// </summary>
public sealed class DatabaseBackupReplicationTests
{
    private const string SourceRegion = "eu-west-1";
    private const string CopyRegion = "eu-central-1";
    private const string SourceArn = "arn:aws:rds:eu-west-1:123456789012:db:acme-prod-database-postgres-1a2b3c";
    private const string KeyArn = "arn:aws:kms:eu-central-1:123456789012:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
    private const string CopyArn = "arn:aws:rds:eu-central-1:123456789012:auto-backup:ab-abcdefghijklmnopqrstuvwxyz0123456789abcd";
    private const string OtherRegionArn = "arn:aws:rds:us-east-1:123456789012:auto-backup:ab-zyxwvutsrqponmlkjihgfedcba9876543210zyxw";
    private const string Describe = "describe-db-instances";
    private const string DescribeCopy = "describe-db-instance-automated-backups";
    private const string StartOp = "start-db-instance-automated-backups-replication";
    private const string StopOp = "stop-db-instance-automated-backups-replication";

    private static readonly DatabaseBackupReplicationTiming Fast = new(PollSeconds: 1, StopWaitSeconds: 2, StartAttempts: 3, StartRetrySeconds: 0);

    private static readonly string[] StartArgs =
    [
        "rds", StartOp, "--region", CopyRegion, "--source-db-instance-arn", SourceArn, "--backup-retention-period", "14",
        "--kms-key-id", KeyArn, "--source-region", SourceRegion,
        "--query", "DBInstanceAutomatedBackup.DBInstanceAutomatedBackupsArn", "--output", "text",
    ];

    [Theory]
    [InlineData("start")]
    [InlineData("stop")]
    public void Scripts_are_shellcheck_clean(string script)
    {
        using var dir = new TempDir();
        var file = dir.Write($"{script}.sh", script == "start" ? DatabaseBackupReplication.StartScript : DatabaseBackupReplication.StopScript);

        ExternalTool.Check("shellcheck", "-s", "bash", "-o", "all", "-e", "SC2250,SC2310,SC2312", file);
    }

    [Fact]
    public void The_default_waits_are_bounded_and_every_placeholder_is_filled()
    {
        var timing = DatabaseBackupReplicationTiming.Default;

        Assert.Contains($"stop_wait_seconds={timing.StopWaitSeconds}\n", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        Assert.Contains($"start_attempts={timing.StartAttempts}\n", DatabaseBackupReplication.StartScript, StringComparison.Ordinal);
        Assert.InRange(timing.StopWaitSeconds, 60, 75 * 60);
        Assert.InRange(timing.StartAttempts * timing.StartRetrySeconds, 60, 15 * 60);
        Assert.DoesNotContain("__", DatabaseBackupReplication.StartScript + DatabaseBackupReplication.StopScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_replication_it_starts_one_in_the_copy_region_and_returns_its_arn()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, $"{OtherRegionArn}\n");
        aws.Answer(StartOp, $"{CopyArn}\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Equal(CopyArn, LastLine(result.Stdout));
        Assert.Equal(2, aws.Calls.Count);
        Assert.Equal(
            ["rds", Describe, "--region", SourceRegion, "--db-instance-identifier", SourceArn,
             "--query", "DBInstances[0].DBInstanceAutomatedBackupsReplications[].DBInstanceAutomatedBackupsArn", "--output", "text"],
            aws.Calls[0]);
        Assert.Equal(StartArgs, aws.Calls[1]);
    }

    [Fact]
    public void A_source_that_lists_none_prints_None_and_still_gets_one()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, "None\n");
        aws.Answer(StartOp, $"{CopyArn}\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Equal(StartArgs, aws.Calls[^1]);
    }

    [Fact]
    public void A_replication_with_the_same_key_and_retention_is_adopted_without_a_start()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, $"{OtherRegionArn}\t{CopyArn}\n");
        aws.Answer(DescribeCopy, $"{KeyArn}\t14\tReplicating\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Equal(CopyArn, LastLine(result.Stdout));
        Assert.Equal([Describe, DescribeCopy], aws.Calls.Select(c => c[1]));
        Assert.Equal(
            ["rds", DescribeCopy, "--region", CopyRegion, "--db-instance-automated-backups-arn", CopyArn,
             "--query", "DBInstanceAutomatedBackups[0].[KmsKeyId,BackupRetentionPeriod,Status]", "--output", "text"],
            aws.Calls[1]);
        Assert.Contains("adopted", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-555555555555", "14", "replicating")]
    [InlineData(KeyArn, "7", "pending")]
    // pulumi up --replace: the delete step just stopped it, the source still lists it with the same settings.
    [InlineData(KeyArn, "14", "stopping")]
    public void A_replication_with_other_settings_or_stopping_is_stopped_waited_for_and_started_again(string key, string days, string state)
    {
        using var aws = new FakeAws();
        // Listed at first and on the first poll, gone on the second.
        aws.Answer(Describe, $"{CopyArn}\n", call: 1);
        aws.Answer(Describe, $"{CopyArn}\n", call: 2);
        aws.Answer(Describe, "\n");
        aws.Answer(DescribeCopy, $"{key}\t{days}\t{state}\n");
        if (state == "stopping")
        {
            // RDS refuses a second stop as the provider's delete expects: no longer replicating there.
            aws.Fail(StopOp, NotReplicating);
        }
        else
        {
            aws.Answer(StopOp, "stopping\n");
        }
        aws.Answer(StartOp, $"{CopyArn}\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Equal([Describe, DescribeCopy, StopOp, Describe, Describe, StartOp], aws.Calls.Select(c => c[1]));
        Assert.Equal(["rds", StopOp, "--region", CopyRegion, "--source-db-instance-arn", SourceArn, "--query", "DBInstanceAutomatedBackup.Status", "--output", "text"], aws.Calls[2]);
        Assert.All(aws.Calls.Where(c => c[1] == Describe), c => Assert.Equal(SourceRegion, c[3]));
        Assert.Equal(StartArgs, aws.Calls[^1]);
    }

    [Fact]
    public void A_stop_that_does_not_end_in_time_fails_with_what_to_do()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, $"{CopyArn}\n");
        aws.Answer(DescribeCopy, $"{KeyArn}\t3\treplicating\n");
        aws.Answer(StopOp, "stopping\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.Equal(1, result.ExitCode);
        Assert.DoesNotContain(aws.Calls, c => c[1] == StartOp);
        Assert.Contains($"still shows on the source instance after {Fast.StopWaitSeconds} s", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run pulumi up again once it is gone", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_refused_start_is_retried_and_then_succeeds()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, "\n");
        aws.Fail(StartOp, NotReady, call: 1);
        aws.Answer(StartOp, $"{CopyArn}\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Equal(CopyArn, LastLine(result.Stdout));
        Assert.Equal(2, aws.Calls.Count(c => c[1] == StartOp));
        Assert.Contains("retrying", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_start_refused_every_time_fails_after_the_attempts_with_what_to_do()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, "\n");
        aws.Fail(StartOp, NotReady);

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.Equal(254, result.ExitCode);
        Assert.Equal(Fast.StartAttempts, aws.Calls.Count(c => c[1] == StartOp));
        Assert.Contains($"still refuses replication after {Fast.StartAttempts} attempts (InvalidDBInstanceState)", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("run pulumi up again once it is available", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_start_error_fails_at_once_with_the_clis_message()
    {
        using var aws = new FakeAws();
        aws.Answer(Describe, "\n");
        aws.Fail(StartOp, "An error occurred (KMSKeyNotAccessibleFault) when calling the StartDBInstanceAutomatedBackupsReplication operation: key disabled\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.Equal(254, result.ExitCode);
        Assert.Equal(1, aws.Calls.Count(c => c[1] == StartOp));
        Assert.Contains("KMSKeyNotAccessibleFault", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_describe_fails_the_start()
    {
        using var aws = new FakeAws();
        aws.Fail(Describe, "An error occurred (AccessDenied) when calling the DescribeDBInstances operation\n");

        var result = aws.Run(DatabaseBackupReplication.Start(Fast));

        Assert.Equal(254, result.ExitCode);
        Assert.DoesNotContain(aws.Calls, c => c[1] == StartOp);
    }

    [Fact]
    public void Stop_stops_the_replication_in_the_copy_region_without_waiting()
    {
        using var aws = new FakeAws();
        aws.Answer(StopOp, "stopping\n");

        var result = aws.Run(DatabaseBackupReplication.StopScript);

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        var call = Assert.Single(aws.Calls);
        Assert.Equal(["rds", StopOp, "--region", CopyRegion, "--source-db-instance-arn", SourceArn, "--query", "DBInstanceAutomatedBackup.Status", "--output", "text"], call);
    }

    [Theory]
    [InlineData(NotReplicating)]
    [InlineData("An error occurred (DBInstanceNotFound) when calling the StopDBInstanceAutomatedBackupsReplication operation: DBInstance not found\n")]
    public void Stop_of_a_replication_already_gone_is_done(string error)
    {
        using var aws = new FakeAws();
        aws.Fail(StopOp, error);

        var result = aws.Run(DatabaseBackupReplication.StopScript);

        Assert.True(result.ExitCode == 0, result.Output);
        // The command provider logs stderr as errors: a success writes nothing there.
        Assert.Empty(result.Stderr);
        Assert.Contains("nothing to stop", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_fails_on_another_error()
    {
        using var aws = new FakeAws();
        aws.Fail(StopOp, "An error occurred (InvalidDBInstanceState) when calling the StopDBInstanceAutomatedBackupsReplication operation: instance is being modified\n");

        var result = aws.Run(DatabaseBackupReplication.StopScript);

        Assert.Equal(254, result.ExitCode);
        Assert.Contains("being modified", result.Stderr, StringComparison.Ordinal);
    }

    private static string LastLine(string text) => text.TrimEnd('\n').Split('\n')[^1];

    private const string NotReplicating =
        "An error occurred (InvalidDBInstanceState) when calling the StopDBInstanceAutomatedBackupsReplication operation: Source DB instance is not replicating to the current region.\n";

    private const string NotReady =
        "An error occurred (InvalidDBInstanceState) when calling the StartDBInstanceAutomatedBackupsReplication operation: the instance is backing-up\n";

    /// <summary>A fake <c>aws</c> on PATH: records each call (one argument per line) and answers per operation.</summary>
    private sealed class FakeAws : IDisposable
    {
        private const string Script = """
            #!/usr/bin/env bash
            set -euo pipefail
            dir="${FAKE_AWS_DIR}"
            total=$(( $(find "${dir}/calls" -type f | wc -l) + 1 ))
            printf '%s\n' "$@" >"${dir}/calls/$(printf '%04d' "${total}")"
            op="$2"
            n=$(( $(cat "${dir}/count.${op}" 2>/dev/null || echo 0) + 1 ))
            echo "${n}" >"${dir}/count.${op}"
            answer="${dir}/answers/${op}"
            [[ -e "${answer}.${n}" || -e "${answer}.${n}.err" ]] && answer="${answer}.${n}"
            if [[ -e "${answer}.err" ]]; then
              cat "${answer}.err" >&2
              exit 254
            fi
            cat "${answer}" 2>/dev/null || true
            """;

        private readonly TempDir _dir = new();

        public FakeAws()
        {
            _dir.Write("bin/aws", Script.ReplaceLineEndings("\n") + "\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(Path.Combine(_dir.Path, "calls"));
            Directory.CreateDirectory(Path.Combine(_dir.Path, "answers"));
        }

        public List<string[]> Calls =>
            Directory.GetFiles(Path.Combine(_dir.Path, "calls")).Order(StringComparer.Ordinal).Select(File.ReadAllLines).ToList();

        public void Answer(string operation, string stdout, int? call = null) =>
            _dir.Write($"answers/{operation}{Suffix(call)}", stdout);

        public void Fail(string operation, string stderr, int? call = null) =>
            _dir.Write($"answers/{operation}{Suffix(call)}.err", stderr);

        public ToolResult Run(string script) =>
            ExternalTool.Run("bash", ["-c", script], _dir.Path, new Dictionary<string, string>
            {
                ["PATH"] = $"{Path.Combine(_dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
                ["FAKE_AWS_DIR"] = _dir.Path,
                [DatabaseBackupReplication.SourceRegionVariable] = SourceRegion,
                [DatabaseBackupReplication.CopyRegionVariable] = CopyRegion,
                [DatabaseBackupReplication.SourceDbArnVariable] = SourceArn,
                [DatabaseBackupReplication.KmsKeyArnVariable] = KeyArn,
                [DatabaseBackupReplication.RetentionDaysVariable] = "14",
            }, TimeSpan.FromSeconds(30));

        public void Dispose() => _dir.Dispose();

        private static string Suffix(int? call) => call is { } n ? "." + n.ToString(CultureInfo.InvariantCulture) : "";
    }
}
