using ConvexInfra.Core.Backup;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Backup;

public class BackupLogicTests
{
    private static readonly ExportTaskOutput Task = new(
        "arn:aws:ecs:eu-west-1:123456789012:cluster/c", "arn:aws:ecs:eu-west-1:123456789012:task-definition/x-export:2",
        ["subnet-0aaa", "subnet-0bbb"], "sg-0ccc", false);

    [Fact]
    public void Run_task_uses_the_schedules_definition_cluster_and_network()
    {
        var args = AwsCliCalls.RunExportTask("eu-west-1", Task);
        Assert.Equal(
            ["ecs", "run-task", "--region", "eu-west-1", "--cluster", Task.Cluster, "--task-definition", Task.TaskDefinition, "--launch-type", "FARGATE",
                "--network-configuration", "awsvpcConfiguration={subnets=[subnet-0aaa,subnet-0bbb],securityGroups=[sg-0ccc],assignPublicIp=DISABLED}",
                "--started-by", "convex-infra-backup", "--count", "1", "--query", "tasks[0].taskArn", "--output", "text"],
            args);
    }

    [Fact]
    public void Aws_calls_without_a_region_or_bucket_say_which_output_is_missing()
    {
        Assert.Contains("'region'", Assert.Throws<ArgumentException>(() => AwsCliCalls.RunExportTask("", Task)).Message);
        Assert.Contains("'buckets.exports'", Assert.Throws<ArgumentException>(() => AwsCliCalls.ListExports("eu-west-1", " ")).Message);
    }

    [Fact]
    public void Export_task_output_round_trips_through_the_outputs_json()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            [ExportTaskOutput.OutputName] = Task.ToOutputValue(),
            ["buckets"] = new { exports = "b-exports" },
        });
        var parsed = BackupOutputs.Parse(json);
        Assert.Equal("b-exports", parsed.ExportsBucket);
        Assert.Equal(Task.Cluster, parsed.ExportTask!.Cluster);
        Assert.Equal(Task.Subnets, parsed.ExportTask.Subnets);
        Assert.Equal(Task.NetworkConfiguration(), parsed.ExportTask.NetworkConfiguration());
    }

    [Fact]
    public void A_broken_export_task_output_names_every_bad_key()
    {
        var e = Assert.Throws<StackOutputsException>(() => BackupOutputs.Parse("""{"exportTask": {"cluster": "c", "subnets": []}}"""));
        Assert.Contains(e.Errors, m => m.StartsWith("'exportTask.taskDefinition'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("'exportTask.securityGroup'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("'exportTask.subnets'", StringComparison.Ordinal));
        Assert.Contains(e.Errors, m => m.StartsWith("'exportTask.assignPublicIp'", StringComparison.Ordinal));
        Assert.Null(BackupOutputs.Parse("{}").ExportTask);
    }

    [Fact]
    public void Export_objects_latest_and_newest_since_a_start()
    {
        var objects = ExportObjects.Parse("""
            {"Contents": [
              {"Key": "p/a", "LastModified": "2026-01-01T00:00:00+00:00", "Size": 5},
              {"Key": "p/", "LastModified": "2026-03-01T00:00:00+00:00", "Size": 0},
              {"Key": "p/b", "LastModified": "2026-02-01T10:00:00+00:00", "Size": 7}
            ]}
            """);
        Assert.Equal(["p/a", "p/b"], objects.Select(o => o.Key));
        Assert.Equal("p/b", ExportObjects.Latest(objects)!.Key);
        Assert.Equal("p/b", ExportObjects.NewestSince(objects, new DateTimeOffset(2026, 2, 1, 10, 1, 0, TimeSpan.Zero))!.Key);
        Assert.Null(ExportObjects.NewestSince(objects, new DateTimeOffset(2026, 2, 1, 10, 5, 0, TimeSpan.Zero)));
        Assert.Empty(ExportObjects.Parse("""{"RequestCharged": null}"""));
        Assert.Empty(ExportObjects.Parse(""));
    }

    [Theory]
    [InlineData("s3://bucket/key/with/parts.zip", "bucket", "key/with/parts.zip")]
    [InlineData("s3://b/k", "b", "k")]
    public void S3_locations_parse(string text, string bucket, string key)
    {
        var location = S3Location.Parse(text);
        Assert.Equal((bucket, key), (location.Bucket, location.Key));
        Assert.Equal(text, location.ToString());
    }

    [Theory]
    [InlineData("https://b/k")]
    [InlineData("s3://bucket")]
    [InlineData("s3://bucket/")]
    [InlineData("s3:///key")]
    public void Bad_s3_addresses_are_refused_with_an_example(string text) =>
        Assert.Contains("expected s3://BUCKET/KEY", Assert.Throws<FormatException>(() => S3Location.Parse(text)).Message);

    [Theory]
    [InlineData("prod", false, false, "without --replace-all and --yes")]
    [InlineData("prod", true, false, "without --yes")]
    [InlineData("prod", false, true, "without --replace-all")]
    [InlineData("prod", true, true, null)]
    [InlineData("staging", false, false, null)]
    [InlineData("dev", false, false, null)]
    public void Restore_refuses_prod_without_both_flags(string tier, bool replaceAll, bool yes, string? expected)
    {
        var refusal = RestoreRules.RestoreRefusal(tier, replaceAll, yes);
        if (expected is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.Contains(expected, refusal);
        }
    }

    [Theory]
    [InlineData("dev", "aws-ec2", true)]
    [InlineData("prod", "local", true)]
    [InlineData("staging", "aws-ecs", false)]
    [InlineData("prod", "aws-ec2", false)]
    [InlineData(null, "aws-ec2", false)]
    public void Reset_is_for_dev_tiers_and_the_local_target(string? tier, string target, bool allowed) =>
        Assert.Equal(allowed, RestoreRules.ResetRefusal(tier, target) is null);

    [Fact]
    public void Convex_cli_calls_keep_the_key_out_of_the_arguments()
    {
        Assert.Equal(["convex", "import", "--replace-all", "--yes", "x.zip"], ConvexCliCalls.Import("x.zip", replaceAll: true));
        Assert.Equal(["convex", "import", "--replace", "--yes", "x.zip"], ConvexCliCalls.Import("x.zip", replaceAll: false));
        Assert.Equal(["convex", "export", "--include-file-storage", "--path", "x.zip"], ConvexCliCalls.Export("x.zip"));
        var env = ConvexCliCalls.Environment("https://api.example.com", "n|01ab");
        Assert.Equal("n|01ab", env["CONVEX_SELF_HOSTED_ADMIN_KEY"]);
        Assert.Equal("https://api.example.com", env["CONVEX_SELF_HOSTED_URL"]);
    }

    [Fact]
    public void Snapshot_zip_lists_tables_and_files_and_the_empty_one_has_none()
    {
        using var buffer = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(buffer, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var name in new[] { "_tables/documents.jsonl", "b/documents.jsonl", "a/documents.jsonl", "a/generated_schema.jsonl", "_storage/documents.jsonl", "_storage/f1", "_storage/f2" })
            {
                zip.CreateEntry(name);
            }
        }

        buffer.Position = 0;
        var contents = SnapshotZip.Describe(buffer);
        Assert.Equal(["a", "b"], contents.Tables);
        Assert.True(contents.HasFileStorage);
        Assert.Equal(2, contents.StoredFiles);

        var empty = SnapshotZip.Describe(new MemoryStream(SnapshotZip.Empty()));
        Assert.Empty(empty.Tables);
        Assert.True(empty.HasFileStorage);
        Assert.Equal(0, empty.StoredFiles);
        Assert.Equal(SnapshotZip.Empty(), SnapshotZip.Empty());
        Assert.Throws<FormatException>(() => SnapshotZip.Describe(new MemoryStream("not a zip"u8.ToArray())));
    }
}
