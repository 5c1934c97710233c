using System.Text;
using System.Text.Json;
using ConvexInfra.Core.Backup;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Aws;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// The export task's script under sh, as the container runs it: fake npm/npx (the export writes a zip), real node, a
/// loopback backend answering the variables query like the real one, and the shared fake AWS (every signature checked
/// by botocore). The stored variables land under deployment-env/ with the stack key, and no value appears anywhere but
/// in the uploaded body.
/// </summary>
public sealed class ExportTaskDeploymentEnvTests : IDisposable
{
    private const string AdminKey = "convex-prod|01" + "00112233445566778899aabbccddeeff";
    private const string Bucket = "convex-prod-exports-1a2b";
    private const string StackKey = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static IReadOnlyDictionary<string, string> Variables => VariablesBackend.Awkward;

    private readonly TempDir _dir = new();
    private readonly FakeAws _aws = new();
    private readonly VariablesBackend _backend = new(VariablesBackend.Awkward);
    private readonly string _log;
    private readonly string _tmp;

    public ExportTaskDeploymentEnvTests()
    {
        _log = Path.Combine(_dir.Path, "calls.log");
        _tmp = Path.Combine(_dir.Path, "tmp");
        Directory.CreateDirectory(_tmp);
        const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        _dir.Write("bin/npm", $"#!/bin/sh\necho \"npm $*\" >> {_log}\n", Executable);
        _dir.Write("bin/npx", $"#!/bin/sh\necho \"npx $*\" >> {_log}\nif [ \"$3\" = --version ]; then echo {ExportTask.ConvexCliVersion}; exit 0; fi\n" +
            "[ \"$FAIL_EXPORT\" = yes ] && exit 3\nfor last; do :; done\nprintf 'PK zip' > \"$last\"\n", Executable);
        // Real node, with every argument recorded (the lister's code and aws-request's options must carry no value).
        _dir.Write("bin/node", $"#!/bin/sh\nprintf 'node %s\\n' \"$*\" >> {_log}\nexec {ExternalTool.Require("node")} \"$@\"\n", Executable);
    }

    private string BackendUrl => _backend.Url;

    public void Dispose()
    {
        _backend.Dispose();
        _aws.Dispose();
        _dir.Dispose();
    }

    private ToolResult RunTask(bool failExport = false)
    {
        var values = new ExportTaskValues("eu-west-1", "https://api.prod.convex.example.com",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/admin-key", "/convex-infra/prod/export", Bucket, StackKey);
        using var definitions = JsonDocument.Parse(ExportTask.ContainerDefinitions(values));
        var container = definitions.RootElement[0];
        var env = container.GetProperty("environment").EnumerateArray()
            .ToDictionary(e => e.GetProperty("name").GetString()!, e => e.GetProperty("value").GetString()!);
        foreach (var (name, value) in _aws.ContainerEnvironment())
        {
            env[name] = value;
        }

        env["PATH"] = $"{Path.Combine(_dir.Path, "bin")}:/usr/bin:/bin";
        env["TMPDIR"] = _tmp;
        env[ExportTask.UrlVariable] = BackendUrl;
        env[ExportTask.AdminKeyVariable] = AdminKey;
        env["FAIL_EXPORT"] = failExport ? "yes" : "no";
        var command = container.GetProperty("command").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(["sh", "-c"], command.Take(2));
        return ExternalTool.Run("sh", ["-c", command[2]], workingDirectory: _dir.Path, environment: env, timeout: TimeSpan.FromMinutes(2));
    }

    private string StoredKey()
    {
        var folder = Path.Combine(_aws.State, "s3", Bucket, DeploymentEnvBackup.Prefix);
        var objects = Directory.Exists(folder) ? Directory.GetFiles(folder).Where(f => !f.EndsWith(".meta.json", StringComparison.Ordinal)).ToList() : [];
        return DeploymentEnvBackup.Prefix + Path.GetFileName(Assert.Single(objects));
    }

    private void AssertNoValueLeaked(ToolResult result)
    {
        var calls = File.Exists(_log) ? File.ReadAllText(_log) : "";
        var requests = _aws.RequestLog();
        foreach (var value in VariablesBackend.SecretLines)
        {
            Assert.DoesNotContain(value, calls, StringComparison.Ordinal);
            Assert.DoesNotContain(value, result.Stdout + result.Stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(value, requests, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(AdminKey, calls + result.Stdout + result.Stderr + requests, StringComparison.Ordinal);
    }

    [Fact]
    public void After_the_export_the_variables_land_beside_it_with_the_stack_key_and_nowhere_else()
    {
        var result = RunTask();

        Assert.True(result.ExitCode == 0, result.Output);
        var key = StoredKey();
        Assert.Matches(@"^deployment-env/deployment-env-\d{8}T\d{6}Z\.json$", key);
        Assert.True(DeploymentEnvBackup.IsEnvObject(key));
        // Exactly the variables, read back with the parser restore uses.
        var stored = Encoding.UTF8.GetString(_aws.StoredObject(Bucket, key)!);
        Assert.Equal(Variables, DesiredEnvJson.Parse(stored, "stored object"));
        var encryption = _aws.Encryption(Bucket, key);
        Assert.Equal("aws:kms", encryption["x-amz-server-side-encryption"]);
        Assert.Equal(StackKey, encryption["x-amz-server-side-encryption-aws-kms-key-id"]);
        Assert.Equal("false", encryption["x-amz-server-side-encryption-bucket-key-enabled"]);
        var put = Assert.Single(_aws.Requests(), r => r.Operation == "s3-put");
        Assert.True(put.SignatureOk, put.Detail);
        Assert.Equal($"/{Bucket}/{key}", put.Path);
        // The exports bucket of staging and prod has an Object Lock default retention: S3 then requires Content-MD5.
#pragma warning disable CA5351 // Content-MD5 is S3's integrity header, not a security use of MD5.
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(_aws.StoredObject(Bucket, key)!)), put.Headers["content-md5"]);
#pragma warning restore CA5351
        Assert.All(_aws.Requests(), r => Assert.True(r.SignatureOk, r.Detail));
        Assert.Equal([$"Convex {AdminKey}"], _backend.Authorizations);

        // The export first, then the listing and the upload; npm and npx as before.
        var calls = File.ReadAllLines(_log);
        Assert.Equal("npm ci --ignore-scripts --no-audit --no-fund", calls[0]);
        Assert.Equal("npx --no-install convex --version", calls[1]);
        Assert.StartsWith("npx --no-install convex export --include-file-storage --path ", calls[2], StringComparison.Ordinal);
        Assert.StartsWith("node --input-type=module -e ", calls[3], StringComparison.Ordinal);
        Assert.Contains(calls, c => c.StartsWith("node aws-request.mjs s3-put --region eu-west-1 --bucket " + Bucket, StringComparison.Ordinal));

        // The file the upload read: 0600 in the task's private temp dir.
        var file = Assert.Single(Directory.GetFiles(_tmp, "deployment-env.json", SearchOption.AllDirectories));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite,
            OperatingSystem.IsWindows() ? throw new PlatformNotSupportedException("the task runs Linux") : File.GetUnixFileMode(file));
        Assert.Contains($"stored the deployment variables at s3://{Bucket}/{key}", result.Stdout, StringComparison.Ordinal);
        AssertNoValueLeaked(result);
    }

    [Fact]
    public void A_failed_export_stores_nothing()
    {
        var result = RunTask(failExport: true);

        Assert.Equal(3, result.ExitCode);
        Assert.Empty(_aws.Requests());
        Assert.Empty(_backend.Authorizations);
        Assert.DoesNotContain("node ", File.ReadAllText(_log), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_upload_fails_the_task_and_says_so_without_values()
    {
        _aws.Fail("s3-put", 500);

        var result = RunTask();

        Assert.Equal(ExportTask.EnvStoreFailedExitCode, result.ExitCode);
        Assert.Contains($"the export succeeded, but storing the deployment variables at s3://{Bucket}/deployment-env/", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("s3-put", result.Stderr, StringComparison.Ordinal);
        Assert.Contains(_aws.Requests(), r => r.Operation == "s3-put");
        AssertNoValueLeaked(result);
    }

    [Fact]
    public void A_refused_listing_fails_the_task_before_any_upload()
    {
        _backend.Status = 401;

        var result = RunTask();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("listing the deployment variables failed: HTTP 401 BadAdminKey", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(_aws.Requests(), r => r.Operation == "s3-put");
        AssertNoValueLeaked(result);
    }
}
