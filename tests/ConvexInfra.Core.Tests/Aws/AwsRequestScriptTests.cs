using System.Diagnostics;
using System.Text;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// aws-request.mjs run by the real node against <see cref="FakeAws"/>, which checks every signature with botocore:
/// what passes here is what S3 and SSM accept. The failure cases prove the check can fail.
/// </summary>
public sealed class AwsRequestScriptTests : IDisposable
{
    private const string Region = "eu-west-1";
    private const string Bucket = "convex-dev-exports";
    private const string KeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private readonly FakeAws _aws = new();
    private readonly TempDir _dir = new();
    private readonly string _script;

    public AwsRequestScriptTests() => _script = FakeAws.WriteScript(_dir.Path);

    public void Dispose()
    {
        _aws.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void Put_from_standard_input_with_the_stack_key_is_signed_with_the_task_roles_session()
    {
        const string secretBody = "OPENAI_API_KEY=sk-live-do-not-print\nMULTI=\"line one\nline two\"\n";
        var result = Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", "deployment-env/deployment-env-20261206T101500Z.json", "--sse-kms-key-id", KeyArn], stdin: secretBody);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(secretBody, Encoding.UTF8.GetString(_aws.StoredObject(Bucket, "deployment-env/deployment-env-20261206T101500Z.json")!));
        Assert.Equal("aws:kms", _aws.Encryption(Bucket, "deployment-env/deployment-env-20261206T101500Z.json")["x-amz-server-side-encryption"]);
        Assert.Equal(KeyArn, _aws.Encryption(Bucket, "deployment-env/deployment-env-20261206T101500Z.json")["x-amz-server-side-encryption-aws-kms-key-id"]);
        var requests = _aws.Requests();
        Assert.Equal(["credentials", "s3-put"], requests.Select(r => r.Operation));
        Assert.All(requests, r => Assert.True(r.SignatureOk, r.Detail));
        var put = requests[1];
        Assert.Equal(FakeAws.SessionToken, put.Headers["x-amz-security-token"]);
        Assert.Contains("x-amz-server-side-encryption-aws-kms-key-id", put.Headers["authorization"], StringComparison.Ordinal);
        Assert.Equal($"/{Bucket}/deployment-env/deployment-env-20261206T101500Z.json", put.Path);
        Assert.DoesNotContain("sk-live", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-live", _aws.RequestLog(), StringComparison.Ordinal);
    }

    [Fact]
    public void Put_sends_content_md5_and_turns_the_bucket_key_off_only_when_asked()
    {
        // Content-MD5: S3 refuses a put into a bucket with an Object Lock default retention without it. --no-bucket-key:
        // KMS then sees the object's ARN as encryption context, which a key policy can scope by prefix.
        const string body = "{\"A\":\"1\"}";
        Assert.Equal(0, Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", "deployment-env/a.json", "--sse-kms-key-id", KeyArn, "--no-bucket-key"], stdin: body).ExitCode);
        Assert.Equal(0, Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", "plain.json"], stdin: body).ExitCode);

        var puts = _aws.Requests().Where(r => r.Operation == "s3-put").ToList();
        Assert.Equal(2, puts.Count);
        Assert.All(puts, p => Assert.True(p.SignatureOk, p.Detail));
#pragma warning disable CA5351 // Content-MD5 is S3's integrity header, not a security use of MD5.
        var md5 = Convert.ToBase64String(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351
        Assert.All(puts, p => Assert.Equal(md5, p.Headers["content-md5"]));
        Assert.Equal("false", puts[0].Headers["x-amz-server-side-encryption-bucket-key-enabled"]);
        Assert.False(puts[1].Headers.ContainsKey("x-amz-server-side-encryption-bucket-key-enabled"));
        Assert.Equal("false", _aws.Encryption(Bucket, "deployment-env/a.json")["x-amz-server-side-encryption-bucket-key-enabled"]);
    }

    [Fact]
    public void Put_streams_a_file_and_keys_with_spaces_and_plus_signs_round_trip()
    {
        var file = Path.Combine(_dir.Path, "export.zip");
        var content = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(file, content);
        const string key = "exports/convex export+1 (dev).zip";

        var put = Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", key, "--file", file], environment: _aws.StaticKeyEnvironment());
        var get = RunBytes(["s3-get", "--region", Region, "--bucket", Bucket, "--key", key], _aws.StaticKeyEnvironment());

        Assert.True(put.ExitCode == 0, put.Output);
        Assert.Equal(content, _aws.StoredObject(Bucket, key));
        Assert.Equal(content, get);
        Assert.All(_aws.Requests(), r => Assert.True(r.SignatureOk, r.Detail));
        Assert.DoesNotContain(_aws.Requests(), r => r.Headers.ContainsKey("x-amz-security-token"));
    }

    [Fact]
    public void List_follows_continuation_tokens_filters_by_prefix_and_decodes_xml()
    {
        var stamp = new DateTimeOffset(2026, 11, 1, 3, 0, 0, TimeSpan.Zero);
        foreach (var key in new[] { "deployment-env/a.json", "deployment-env/b&c.json", "deployment-env/d.json", "deployment-env/e.json", "other/x.zip" })
        {
            _aws.SeedObject(Bucket, key, "12345", stamp);
        }

        var result = Run(["s3-list", "--region", Region, "--bucket", Bucket, "--prefix", "deployment-env/"]);

        Assert.True(result.ExitCode == 0, result.Output);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["deployment-env/a.json", "deployment-env/b&c.json", "deployment-env/d.json", "deployment-env/e.json"], lines.Select(l => l.Split('\t')[0]));
        Assert.All(lines, l => Assert.Equal(["2026-11-01T03:00:00.000Z", "5"], l.Split('\t')[1..]));
        Assert.Equal(2, _aws.Requests().Count(r => r.Operation == "s3-list"));
        Assert.All(_aws.Requests(), r => Assert.True(r.SignatureOk, r.Detail));
    }

    [Fact]
    public void Get_and_delete_of_a_missing_object_exit_with_the_not_found_status()
    {
        _aws.SeedObject(Bucket, "old.zip", "x", DateTimeOffset.UtcNow);

        var delete = Run(["s3-delete", "--region", Region, "--bucket", Bucket, "--key", "old.zip"]);
        var missing = Run(["s3-get", "--region", Region, "--bucket", Bucket, "--key", "old.zip"]);

        Assert.True(delete.ExitCode == 0, delete.Output);
        Assert.Null(_aws.StoredObject(Bucket, "old.zip"));
        Assert.Equal(AwsRequestScript.NotFoundExitCode, missing.ExitCode);
        Assert.Equal("aws-request: s3-get: HTTP 404 NoSuchKey", missing.Stderr.Trim());
    }

    [Fact]
    public void Ssm_get_parameter_prints_the_value_and_reports_a_missing_parameter()
    {
        _aws.PutParameter("/convex/ecs/db-host", "convex-ecs.abc123.eu-west-1.rds.amazonaws.com");

        var found = Run(["ssm-get-parameter", "--region", Region, "--name", "/convex/ecs/db-host"]);
        var decrypted = Run(["ssm-get-parameter", "--region", Region, "--name", "/convex/ecs/db-host", "--with-decryption"]);
        var missing = Run(["ssm-get-parameter", "--region", Region, "--name", "/convex/ecs/none"]);

        Assert.Equal((0, "convex-ecs.abc123.eu-west-1.rds.amazonaws.com"), (found.ExitCode, found.Stdout));
        Assert.Equal(AwsRequestScript.NotFoundExitCode, missing.ExitCode);
        Assert.Contains("ParameterNotFound", missing.Stderr, StringComparison.Ordinal);
        var bodies = _aws.Requests().Where(r => r.Operation == "GetParameter").Select(r => r.Body).ToList();
        Assert.Equal(
            ["{\"Name\":\"/convex/ecs/db-host\",\"WithDecryption\":false}", "{\"Name\":\"/convex/ecs/db-host\",\"WithDecryption\":true}", "{\"Name\":\"/convex/ecs/none\",\"WithDecryption\":false}"],
            bodies);
        Assert.Equal("ssm", _aws.Requests().First(r => r.Operation == "GetParameter").Headers["authorization"].Split('/')[3]);
        Assert.True(decrypted.ExitCode == 0, decrypted.Output);
        Assert.All(_aws.Requests(), r => Assert.True(r.SignatureOk, r.Detail));
    }

    [Fact]
    public void A_wrong_secret_key_is_refused_by_the_signature_check_and_never_printed()
    {
        var environment = _aws.StaticKeyEnvironment();
        environment["AWS_SECRET_ACCESS_KEY"] = "another-secret-value";

        var result = Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", "k"], stdin: "body", environment: environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("aws-request: s3-put: HTTP 403 SignatureDoesNotMatch", result.Stderr.Trim());
        Assert.DoesNotContain("another-secret-value", result.Output, StringComparison.Ordinal);
        Assert.False(_aws.Requests().Single().SignatureOk);
        Assert.Null(_aws.StoredObject(Bucket, "k"));
    }

    [Fact]
    public void Server_errors_are_retried_three_times_then_reported()
    {
        _aws.Fail("s3-put", 503);

        var result = Run(["s3-put", "--region", Region, "--bucket", Bucket, "--key", "k"], stdin: "body");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("aws-request: s3-put: HTTP 503 InternalError", result.Stderr.Trim());
        Assert.Equal(3, _aws.Requests().Count(r => r.Operation == "s3-put"));
    }

    [Fact]
    public void A_retry_after_one_server_error_succeeds()
    {
        _aws.Fail("GetParameter", 500, times: 1);
        _aws.PutParameter("/p/s/db-host", "db");

        var result = Run(["ssm-get-parameter", "--region", Region, "--name", "/p/s/db-host"]);

        Assert.Equal((0, "db"), (result.ExitCode, result.Stdout));
        Assert.Equal(2, _aws.Requests().Count(r => r.Operation == "GetParameter"));
    }

    [Theory]
    [InlineData(new string[0], 2, "usage: aws-request.mjs <s3-put|s3-get|s3-list|s3-delete|ssm-get-parameter>")]
    [InlineData(new[] { "s3-put", "--region", Region, "--bucket", Bucket }, 2, "s3-put: missing --key")]
    [InlineData(new[] { "s3-get", "--region", Region, "--bucket", Bucket, "--key", "k", "--sse-kms-key-id", "x" }, 2, "s3-get: unknown or incomplete option '--sse-kms-key-id'")]
    [InlineData(new[] { "ssm-get-parameter", "--region", Region, "--name" }, 2, "ssm-get-parameter: unknown or incomplete option '--name'")]
    public void Usage_errors_name_the_option(string[] arguments, int exitCode, string message)
    {
        var result = Run(arguments);

        Assert.Equal(exitCode, result.ExitCode);
        Assert.Contains(message, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_aws.Requests());
    }

    [Fact]
    public void Without_credentials_it_says_where_they_come_from()
    {
        var result = Run(["s3-list", "--region", Region, "--bucket", Bucket], environment: new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = _aws.Endpoint });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("credentials: none found", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credentials_endpoint_outside_the_container_addresses_is_refused_over_plain_http()
    {
        var environment = _aws.ContainerEnvironment();
        environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://credentials.attacker.example/creds";

        var result = Run(["s3-list", "--region", Region, "--bucket", Bucket], environment: environment);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must be https or a loopback/ECS address, got host credentials.attacker.example", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(_aws.Requests());
    }

    [Fact]
    public void The_install_line_writes_the_script_byte_for_byte_under_sh()
    {
        var target = Path.Combine(_dir.Path, "installed.mjs");
        var result = ExternalTool.Run("sh", ["-c", AwsRequestScript.Install(target)], environment: new Dictionary<string, string> { [AwsRequestScript.Variable] = AwsRequestScript.Text });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(AwsRequestScript.Text, File.ReadAllText(target));
        Assert.Throws<ArgumentException>(() => AwsRequestScript.Install("/tmp/$(reboot)"));
    }

    private ToolResult Run(string[] arguments, string? stdin = null, Dictionary<string, string>? environment = null)
    {
        using var process = Start(arguments, environment ?? _aws.ContainerEnvironment());
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(stdin ?? string.Empty);
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node aws-request.mjs {string.Join(' ', arguments)} did not finish in time");
        }

        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    private byte[] RunBytes(string[] arguments, Dictionary<string, string> environment)
    {
        using var process = Start(arguments, environment);
        process.StandardInput.Close();
        using var buffer = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(buffer);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return buffer.ToArray();
    }

    private Process Start(string[] arguments, Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(ExternalTool.Require("node"))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(_script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Only what a container would have: no AWS settings of the machine running the tests leak in.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start node");
    }
}
