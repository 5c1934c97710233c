using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>localBackupBucket: the settings and their errors, the exporter's environment, and its compose form.</summary>
public sealed class LocalBackupBucketTests : IDisposable
{
    private const string AdminKey = "acme-local|01deadbeefcafe";
    private const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY";
    private const string Bucket = """{"endpoint":"https://s3.example.com","bucket":"convex-backups","prefix":"local","pathStyle":"true"}""";
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    private static StackConfig WithBucket(string bucket, params (string Key, string? Value)[] more) =>
        TestConfigs.Local([("localBackupBucket", bucket), .. more])
            .WithSecret("localBackupBucketAccessKeyId")
            .WithSecret("localBackupBucketSecretAccessKey");

    [Fact]
    public void A_bucket_alone_turns_on_scheduled_exports_with_its_prefix_ending_in_a_slash_and_the_default_region()
    {
        var spec = TestConfigs.ReadValid(WithBucket(Bucket));

        Assert.Equal(new LocalBackupSpec(null, 24, 7, new LocalBackupBucketSpec("https://s3.example.com", "convex-backups", "us-east-1", "local/", true)), spec.Local!.Backups);
        Assert.Equal("24 h (localBackupBucket)", RecoveryObjectives.For(spec).ExportRpo);
        var both = TestConfigs.ReadValid(WithBucket(Bucket, ("localBackupDir", "/srv/b"), ("localBackupIntervalHours", "6")));
        Assert.Equal("/srv/b", both.Local!.Backups!.Folder);
        Assert.NotNull(both.Local.Backups.Bucket);
        Assert.Equal("6 h (localBackupDir + localBackupBucket)", RecoveryObjectives.For(both).ExportRpo);
    }

    [Theory]
    [InlineData("""{"bucket":"b-1"}""", "convex-infra:localBackupBucket.endpoint", "(required)")]
    [InlineData("""{"endpoint":"https://s3.example.com"}""", "convex-infra:localBackupBucket.bucket", "(required)")]
    [InlineData("""{"endpoint":"https://s3.example.com","bucket":"Has_Upper"}""", "convex-infra:localBackupBucket.bucket", "lowercase letters")]
    [InlineData("""{"endpoint":"https://s3.example.com/some/path","bucket":"b-1"}""", "convex-infra:localBackupBucket.endpoint", "no path")]
    [InlineData("""{"endpoint":"http://127.0.0.1","bucket":"b-1"}""", "convex-infra:localBackupBucket.endpoint", "127.0.0.1 and localhost are the container itself")]
    [InlineData("""{"endpoint":"http://localhost","bucket":"b-1","allowHttp":"true"}""", "convex-infra:localBackupBucket.endpoint", "the container itself")]
    [InlineData("""{"endpoint":"http://s3.example.com","bucket":"b-1"}""", "convex-infra:localBackupBucket.endpoint", "set localBackupBucket.allowHttp: true")]
    [InlineData("""{"endpoint":"http://8.8.8.8","bucket":"b-1"}""", "convex-infra:localBackupBucket.endpoint", "plain http only on a private address")]
    [InlineData("""{"endpoint":"https://s3.example.com","bucket":"b-1","prefix":"/abs"}""", "convex-infra:localBackupBucket.prefix", "not starting with '/'")]
    [InlineData("""{"endpoint":"https://s3.example.com","bucket":"b-1","prefix":"a/../b"}""", "convex-infra:localBackupBucket.prefix", "without '.' or '..' parts")]
    [InlineData("""{"endpoint":"https://s3.example.com","bucket":"b-1","pathStyle":"yes"}""", "convex-infra:localBackupBucket.pathStyle", "true or false")]
    [InlineData("""{"endpoint":"https://s3.example.com","bucket":"b-1","acessKey":"x"}""", "convex-infra:localBackupBucket.acessKey", "one of endpoint, bucket")]
    public void Bad_entries_are_errors_that_name_the_entry_and_the_fix(string bucket, string named, string expected)
    {
        var error = Assert.Single(TestConfigs.ReadErrors(WithBucket(bucket)));

        Assert.Equal(named, error.Key);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.5", false)]
    [InlineData("http://172.20.1.2", false)]
    [InlineData("http://192.168.1.10", false)]
    [InlineData("http://[fd00::5]", false)]
    [InlineData("http://minio", true)]
    [InlineData("https://minio", false)]
    public void Plain_http_is_accepted_on_private_addresses_or_with_allowHttp(string endpoint, bool needsAllowHttp)
    {
        var without = $$"""{"endpoint":"{{endpoint}}","bucket":"b-1"}""";
        var with = $$"""{"endpoint":"{{endpoint}}","bucket":"b-1","allowHttp":"true"}""";

        Assert.Equal(endpoint, TestConfigs.ReadValid(WithBucket(with)).Local!.Backups!.Bucket!.Endpoint);
        Assert.Equal(needsAllowHttp, !SettingsReader.Read(WithBucket(without)).IsValid);
    }

    [Fact]
    public void The_key_pair_must_be_secrets_given_with_a_bucket_and_only_then()
    {
        var missing = TestConfigs.ReadErrors(TestConfigs.Local(("localBackupBucket", Bucket)));
        Assert.Equal(["convex-infra:localBackupBucketAccessKeyId", "convex-infra:localBackupBucketSecretAccessKey"], missing.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.All(missing, e => Assert.Contains("a Pulumi secret", e.Expected, StringComparison.Ordinal));

        var plain = TestConfigs.ReadErrors(TestConfigs.Local(("localBackupBucket", Bucket), ("localBackupBucketSecretAccessKey", SecretAccessKey))
            .WithSecret("localBackupBucketAccessKeyId"));
        var error = Assert.Single(plain);
        Assert.Equal("convex-infra:localBackupBucketSecretAccessKey", error.Key);
        Assert.Contains("set with --secret", error.Expected, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, error.ToString(), StringComparison.Ordinal);

        var alone = TestConfigs.ReadErrors(TestConfigs.Local().WithSecret("localBackupBucketAccessKeyId").WithSecret("localBackupBucketSecretAccessKey"));
        Assert.Equal(2, alone.Count);
        Assert.All(alone, e => Assert.Contains("a localBackupBucket as well", e.Expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_exporter_gets_the_bucket_as_plain_values_the_key_pair_as_secrets_and_no_host_folder_when_none_is_set()
    {
        var spec = TestConfigs.ReadValid(WithBucket(Bucket));

        var exporter = LocalPlanner.Plan(spec).Container(LocalRole.Exporter);

        Assert.Empty(exporter.Binds);
        var env = exporter.PlainEnv.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal(LocalBackups.StagingFolder, env["BACKUP_DIR"]);
        Assert.Equal("false", env["BACKUP_KEEP"]);
        Assert.Equal("https://s3.example.com", env["BACKUP_S3_ENDPOINT"]);
        Assert.Equal("convex-backups", env["BACKUP_S3_BUCKET"]);
        Assert.Equal("local/", env["BACKUP_S3_PREFIX"]);
        Assert.Equal("true", env["BACKUP_S3_PATH_STYLE"]);
        Assert.Equal(AwsRequestScript.Text, env[AwsRequestScript.Variable]);
        Assert.Equal(
            [
                new LocalSecretEnvVar("CONVEX_SELF_HOSTED_ADMIN_KEY", LocalSecret.AdminKey),
                new LocalSecretEnvVar("AWS_ACCESS_KEY_ID", LocalSecret.BucketAccessKeyId),
                new LocalSecretEnvVar("AWS_SECRET_ACCESS_KEY", LocalSecret.BucketSecretAccessKey),
            ],
            exporter.SecretEnv);
        Assert.DoesNotContain(exporter.PlainEnv, v => v.Name.StartsWith("AWS_", StringComparison.Ordinal));
        // The script installs aws-request.mjs exactly as the shared piece says to, at its default path unless a test moves it.
        var script = LocalBackups.Script();
        Assert.Contains(AwsRequestScript.Install(AwsRequestScript.DefaultPath).Replace(AwsRequestScript.DefaultPath, "${aws_request}", StringComparison.Ordinal), script, StringComparison.Ordinal);
        Assert.Contains($"aws_request=\"${{AWS_REQUEST_FILE:-{AwsRequestScript.DefaultPath}}}\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void Docker_compose_accepts_the_exporter_with_folder_and_bucket_and_takes_the_key_pair_only_from_the_environment()
    {
        var spec = TestConfigs.ReadValid(WithBucket(Bucket, ("localBackupDir", "/srv/convex-backups"), ("database", "postgres")));
        var text = LocalCompose.Render(LocalPlanner.Plan(spec));
        var file = dir.Write("compose.yaml", text);
        var environment = new Dictionary<string, string?>
        {
            ["POSTGRES_PASSWORD"] = "pw",
            ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = AdminKey,
            ["AWS_ACCESS_KEY_ID"] = "AKIAEXAMPLEKEYID0001",
            ["AWS_SECRET_ACCESS_KEY"] = SecretAccessKey,
        };

        var result = LocalTool.Run("docker-compose", ["-f", file, "config"], environment);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("/srv/convex-backups:/backups:rw", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("BACKUP_S3_ENDPOINT: https://s3.example.com", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("BACKUP_KEEP: \"true\"", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("convex env list", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretAccessKey, text, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAEXAMPLEKEYID0001", text, StringComparison.Ordinal);
        foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY" })
        {
            var without = LocalTool.Run("docker-compose", ["-f", file, "config"], new Dictionary<string, string?>(environment) { [name] = null });
            Assert.NotEqual(0, without.ExitCode);
            Assert.Contains(name, without.Stderr, StringComparison.Ordinal);
        }
    }
}
