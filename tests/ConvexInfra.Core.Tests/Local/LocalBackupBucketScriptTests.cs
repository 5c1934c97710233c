using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Tests.Aws;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>
/// One round of the exporter script against the shared fake AWS endpoint (fake_aws.py, every signature checked by
/// botocore) with real node and aws-request.mjs, fake npm/npx and a sleep that ends the loop: the export and the
/// variables uploaded, retention in the bucket for this stack's old objects only, failures reported, and neither the
/// key pair nor a variable's value in an argument or on the log.
/// </summary>
public sealed class LocalBackupBucketScriptTests : IDisposable
{
    private const string AdminKey = "acme-local|01deadbeefcafe";
    private const string Bucket = "convex-backups";
    private readonly TempDir dir = new();
    private readonly FakeAws aws = new();
    private readonly VariablesBackend backend = new(VariablesBackend.Awkward);

    public void Dispose()
    {
        backend.Dispose();
        aws.Dispose();
        dir.Dispose();
    }

    private (string Bin, string Staging, string Args) Prepare()
    {
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        var staging = Path.Combine(dir.Path, "staging");
        var args = Path.Combine(dir.Path, "args.log");
        Fake(bin, "npm", "exit 0");
        Fake(bin, "npx", $$"""
            printf 'npx %s\n' "$*" >> "{{args}}"
            if [ "$3" = "--version" ]; then echo 1.27.0; exit 0; fi
            [ "$3" = export ] || exit 8
            printf 'zip' > "$6"
            """);
        // Records node's arguments, then runs the real node with aws-request.mjs and the variables lister.
        Fake(bin, "node", $$"""
            printf 'node %s\n' "$*" >> "{{args}}"
            exec {{ExternalTool.Require("node")}} "$@"
            """);
        Fake(bin, "sleep", "exit 3");
        return (bin, staging, args);
    }

    private Dictionary<string, string> Environment(string bin, string backupDir, bool keep) => new()
    {
        ["PATH"] = bin + ":/usr/bin:/bin",
        ["CONVEX_CLI_VERSION"] = "1.27.0",
        ["EXPORT_PACKAGE_JSON"] = "{}",
        ["EXPORT_PACKAGE_LOCK"] = "{}",
        ["CONVEX_SELF_HOSTED_URL"] = backend.Url,
        ["CONVEX_SELF_HOSTED_ADMIN_KEY"] = AdminKey,
        ["BACKUP_DIR"] = backupDir,
        ["BACKUP_KEEP"] = keep ? "true" : "false",
        ["BACKUP_NAME"] = "local",
        ["BACKUP_INTERVAL_SECONDS"] = "86400",
        ["BACKUP_RETENTION_DAYS"] = "7",
        [ListVariablesScript.Variable] = ListVariablesScript.Text,
        ["LIST_VARIABLES_FILE"] = Path.Combine(dir.Path, "list-variables.mjs"),
        ["BACKUP_S3_ENDPOINT"] = aws.Endpoint,
        ["BACKUP_S3_BUCKET"] = Bucket,
        ["BACKUP_S3_REGION"] = "us-east-1",
        ["BACKUP_S3_PREFIX"] = "local/",
        ["BACKUP_S3_PATH_STYLE"] = "true",
        ["AWS_ACCESS_KEY_ID"] = FakeAws.AccessKeyId,
        ["AWS_SECRET_ACCESS_KEY"] = FakeAws.SecretAccessKey,
        [AwsRequestScript.Variable] = AwsRequestScript.Text,
        ["AWS_REQUEST_FILE"] = Path.Combine(dir.Path, "aws-request.mjs"),
        ["CLI_DIR"] = Path.Combine(dir.Path, "cli"),
        ["READY_FILE"] = Path.Combine(dir.Path, "ready"),
    };

    private ToolResult Run(Dictionary<string, string> environment) =>
        ExternalTool.Run("sh", [dir.Write("convex-local-exports.sh", LocalBackups.Script())], dir.Path, environment, TimeSpan.FromSeconds(120));

    [Fact]
    public void One_round_uploads_the_export_and_its_variables_and_expires_only_this_stacks_old_objects()
    {
        var (bin, staging, args) = Prepare();
        var eightDays = DateTimeOffset.UtcNow.AddDays(-8);
        var twoDays = DateTimeOffset.UtcNow.AddDays(-2);
        string[] expired = ["local/convex-export-local-20261120T031700Z.zip", "local/convex-env-local-20261120T031700Z.json"];
        string[] kept =
        [
            "local/convex-export-local-20261204T031700Z.zip", "local/convex-env-local-20261204T031700Z.json",
            "local/convex-export-local-b-20261120T031700Z.zip", "local/notes.txt", "other/convex-export-local-20261120T031700Z.zip",
            "local/convex-export-local-latest.zip",
        ];
        foreach (var key in expired.Concat(kept))
        {
            aws.SeedObject(Bucket, key, "old", key.Contains("20261204", StringComparison.Ordinal) ? twoDays : eightDays);
        }

        var result = Run(Environment(bin, staging, keep: false));

        Assert.True(result.ExitCode == 3, result.Output);
        var uploaded = Directory.GetFiles(Path.Combine(aws.State, "s3", Bucket, "local"))
            .Select(Path.GetFileName).OfType<string>().Where(n => !n.EndsWith(".meta.json", StringComparison.Ordinal))
            .Except(kept.Select(Path.GetFileName).OfType<string>()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(2, uploaded.Count);
        Assert.Matches(@"^convex-env-local-\d{8}T\d{6}Z\.json$", uploaded[0]);
        Assert.Equal(uploaded[0][("convex-env-local-".Length)..^5], uploaded[1][("convex-export-local-".Length)..^4]);
        // The names the script writes are the ones restore looks for (one rule, LocalBackupFiles, on both sides).
        Assert.Equal(LocalBackupKind.Variables, LocalBackupFiles.Parse(uploaded[0], "local")?.Kind);
        Assert.Equal(LocalBackupKind.Export, LocalBackupFiles.Parse(uploaded[1], "local")?.Kind);
        Assert.Null(LocalBackupFiles.Parse(uploaded[1], "loc"));
        Assert.Equal("zip", System.Text.Encoding.UTF8.GetString(aws.StoredObject(Bucket, $"local/{uploaded[1]}")!));
        // The bucket's copy read back with the parser restore uses: the PEM key's newlines, '=' and quotes intact.
        Assert.Equal(VariablesBackend.Awkward, DesiredEnvJson.Parse(System.Text.Encoding.UTF8.GetString(aws.StoredObject(Bucket, $"local/{uploaded[0]}")!), uploaded[0]));
        Assert.Contains($"uploaded: s3://{Bucket}/local/{uploaded[1]}", result.Stdout, StringComparison.Ordinal);
        Assert.All(expired, key => Assert.Null(aws.StoredObject(Bucket, key)));
        Assert.All(kept, key => Assert.NotNull(aws.StoredObject(Bucket, key)));
        Assert.Contains($"deleted expired export: s3://{Bucket}/{expired[0]}", result.Stdout, StringComparison.Ordinal);

        // Every request signed with the pair, which travelled in the environment only; nothing left in the staging folder.
        var requests = aws.Requests();
        Assert.NotEmpty(requests);
        Assert.All(requests, r => Assert.True(r.SignatureOk, $"{r.Method} {r.Path}: {r.Detail}"));
        Assert.Equal(2, requests.Count(r => r.Operation == "s3-delete"));
        Assert.Empty(Directory.GetFiles(staging));
        var recorded = File.ReadAllText(args);
        Assert.Contains("--path-style", recorded, StringComparison.Ordinal);
        var requestLog = aws.RequestLog();
        foreach (var secret in VariablesBackend.SecretLines.Append(FakeAws.SecretAccessKey).Append(AdminKey))
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, requestLog, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_failed_upload_is_reported_the_folder_keeps_the_export_and_the_loop_goes_on()
    {
        var (bin, _, _) = Prepare();
        var folder = Directory.CreateDirectory(Path.Combine(dir.Path, "backups")).FullName;
        aws.Fail("s3-put", 503);

        var result = Run(Environment(bin, folder, keep: true));

        Assert.True(result.ExitCode == 3, result.Output);
        Assert.Matches(@"upload of convex-export-local-\d{8}T\d{6}Z\.zip to s3://convex-backups/local/ failed; the next try is in 86400s", result.Stderr);
        Assert.Matches(@"upload of convex-env-local-\d{8}T\d{6}Z\.json to s3://convex-backups/local/ failed", result.Stderr);
        Assert.Single(Directory.GetFiles(folder, "convex-export-local-*.zip"));
        Assert.Single(Directory.GetFiles(folder, "convex-env-local-*.json"));
        var prefix = Path.Combine(aws.State, "s3", Bucket, "local");
        Assert.Empty(Directory.Exists(prefix) ? Directory.GetFiles(prefix) : []);
        Assert.All(VariablesBackend.SecretLines, line => Assert.DoesNotContain(line, result.Output, StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_listing_keeps_every_object_and_says_so()
    {
        var (bin, staging, _) = Prepare();
        aws.SeedObject(Bucket, "local/convex-export-local-20261120T031700Z.zip", "old", DateTimeOffset.UtcNow.AddDays(-30));
        aws.Fail("s3-list", 500);

        var result = Run(Environment(bin, staging, keep: false));

        Assert.True(result.ExitCode == 3, result.Output);
        Assert.Contains("listing s3://convex-backups/local/ for retention failed; expired exports stay until the next round", result.Stderr, StringComparison.Ordinal);
        Assert.NotNull(aws.StoredObject(Bucket, "local/convex-export-local-20261120T031700Z.zip"));
    }

    private static void Fake(string bin, string name, string body)
    {
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
