using System.IO.Compression;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary>
/// restore on the local target with scheduled exports: the stack file in the working folder names the folder
/// (localBackupDir) and the bucket (localBackupBucket); --from latest and --deployment-env latest find the newest export
/// and the newest stored variables (convex-env-STACK-STAMP.env) there, values never in arguments or output.
/// </summary>
public sealed class RestoreLocalBackupsTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IDisposable
{
    private const string Secret = "sk_live_local_0123456789";
    private readonly FakeTools tools = new();
    private readonly string directory = Directory.CreateTempSubdirectory("convex-infra-restore-local-").FullName;

    public void Dispose()
    {
        tools.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private static string StackFile(string extra) => $"""
        config:
          convex-infra:target: local
          convex-infra:instanceName: acme-local
          convex-infra:imageRevision: 652b828b5129e6cdbcaa3c20efa8d116d09ff3bf
        {extra}
        """;

    private static void Zip(string path, DateTime written)
    {
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("messages/documents.jsonl").Open());
            writer.Write("{\"_id\":\"x\"}\n");
        }

        File.SetLastWriteTimeUtc(path, written);
    }

    /// <summary>The machine's node, which the fake on PATH hands over to (the fake records the arguments).</summary>
    private static string RealNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "node")).FirstOrDefault(File.Exists) ?? "/usr/bin/node";

    private async Task<(FakeConvexDeployment Deployment, string Outputs)> LocalStackAsync()
    {
        var deployment = await FakeConvexDeployment.StartAsync(certificates, new BackendBehavior { Https = false });
        var outputs = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, object>>(deployment.OutputsJson())!;
        outputs["target"] = "local";
        outputs["tier"] = "dev";
        outputs["stack"] = "dev";
        return (deployment, BackupFixtures.Write(directory, "outputs.json", System.Text.Json.JsonSerializer.Serialize(outputs)));
    }

    [Fact]
    public async Task A_stack_file_that_does_not_read_stops_latest_instead_of_using_the_default_folder()
    {
        tools.Add("npx", "exit 0");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        File.WriteAllText(Path.Combine(directory, "Pulumi.dev.yaml"), StackFile("  convex-infra:localBackupBucket: not-a-map"));
        // An export in the default folder that a silent fallback would restore.
        var defaultFolder = Directory.CreateDirectory(Path.Combine(directory, "convex-backups", "dev")).FullName;
        Zip(Path.Combine(defaultFolder, "convex-export-dev-20261205T031700Z.zip"), DateTime.UtcNow.AddDays(-1));

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--yes"],
            environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Pulumi.dev.yaml cannot be read, so its localBackupDir/localBackupBucket are unknown", result.Error);
        Assert.Contains("localBackupBucket", result.Error.Split("unknown:")[1]);
        Assert.Contains("Fix the stack file, or name the folder with --dir.", result.Error);
        Assert.Empty(tools.Calls("npx"));
    }

    [Fact]
    public async Task Latest_comes_from_the_stack_files_localBackupDir_with_the_newest_stored_variables()
    {
        tools.Add("npx", "exit 0");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        var folder = Directory.CreateDirectory(Path.Combine(directory, "scheduled")).FullName;
        File.WriteAllText(Path.Combine(directory, "Pulumi.dev.yaml"), StackFile($"  convex-infra:localBackupDir: {folder}"));
        Zip(Path.Combine(folder, "convex-export-dev-20261201T031700Z.zip"), DateTime.UtcNow.AddDays(-5));
        Zip(Path.Combine(folder, "convex-export-dev-20261205T031700Z.zip"), DateTime.UtcNow.AddDays(-1));
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20261201T031700Z.env"), "APP_MODE=old\n");
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20261205T031700Z.env"), $"APP_MODE=restored\nSTRIPE_KEY={Secret}\n");
        // Another stack's newer variables in the same folder are not this stack's.
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-b-20261206T031700Z.env"), "APP_MODE=other-stack\n");

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"],
            environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var import = Assert.Single(tools.Calls("npx"));
        Assert.Equal(Path.Combine(folder, "convex-export-dev-20261205T031700Z.zip"), import.Args[^1]);
        Assert.Equal("restored", deployment.Variables["APP_MODE"]);
        Assert.Equal(Secret, deployment.Variables["STRIPE_KEY"]);
        Assert.Contains($"2 deployment variable(s) from {Path.Combine(folder, "convex-env-dev-20261205T031700Z.env")}", result.Error);
        Assert.DoesNotContain(Secret, result.Out + result.Error, StringComparison.Ordinal);
        Assert.All(tools.Calls(), call => Assert.DoesNotContain(call.Args, a => a.Contains(Secret, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The bucket's export is newer than the folder's: restore lists the bucket with node and the shared
    /// aws-request.mjs (signatures checked by fake_aws.py), downloads it and its variables, and imports them; the key
    /// pair comes from the shell's environment and appears in no argument.
    /// </summary>
    [Fact]
    public async Task Latest_is_the_buckets_newer_export_with_its_variables()
    {
        using var aws = FakeAwsProcess.Start(directory);
        tools.Add("npx", "exit 0");
        tools.Add("node", $"exec {RealNode()} \"$@\"");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        var folder = Directory.CreateDirectory(Path.Combine(directory, "scheduled")).FullName;
        File.WriteAllText(Path.Combine(directory, "Pulumi.dev.yaml"), StackFile($$"""
              convex-infra:localBackupDir: {{folder}}
              convex-infra:localBackupBucket:
                endpoint: https://s3.example.com
                bucket: convex-backups
                prefix: local
                pathStyle: true
              convex-infra:localBackupBucketAccessKeyId:
                secure: v1:AAAA
              convex-infra:localBackupBucketSecretAccessKey:
                secure: v1:BBBB
            """));
        Zip(Path.Combine(folder, "convex-export-dev-20261201T031700Z.zip"), DateTime.UtcNow.AddDays(-5));
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20261201T031700Z.env"), "APP_MODE=old\n");
        var stamp = DateTime.UtcNow.AddHours(-2).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var newer = Path.Combine(directory, "newer.zip");
        Zip(newer, DateTime.UtcNow);
        aws.Seed($"convex-backups/local/convex-export-dev-{stamp}.zip", File.ReadAllBytes(newer));
        aws.Seed($"convex-backups/local/convex-env-dev-{stamp}.env", System.Text.Encoding.UTF8.GetBytes($"APP_MODE=from-bucket\nSTRIPE_KEY={Secret}\n"));
        aws.Seed("convex-backups/local/convex-export-dev-b-20991231T000000Z.zip", [1]);
        var environment = BackupFixtures.Env(tools);
        environment["AWS_ACCESS_KEY_ID"] = FakeAwsProcess.AccessKeyId;
        environment["AWS_SECRET_ACCESS_KEY"] = FakeAwsProcess.SecretAccessKey;
        environment["AWS_ENDPOINT_URL_S3"] = aws.Endpoint;

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"],
            environment: environment, workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var import = Assert.Single(tools.Calls("npx"));
        Assert.EndsWith($"convex-export-dev-{stamp}.zip", import.Args[^1], StringComparison.Ordinal);
        Assert.Equal("from-bucket", deployment.Variables["APP_MODE"]);
        Assert.Equal(Secret, deployment.Variables["STRIPE_KEY"]);
        Assert.Contains($"newest export is s3://convex-backups/local/convex-export-dev-{stamp}.zip", result.Error);
        Assert.All(aws.Requests(), line => Assert.Contains("\"signature_ok\": true", line, StringComparison.Ordinal));
        var recorded = string.Join('\n', tools.Calls("node").Select(c => string.Join(' ', c.Args)));
        Assert.Equal(4, tools.Calls("node").Count); // list + get for the export, list + get for the variables
        Assert.Contains($"--endpoint {aws.Endpoint}", recorded, StringComparison.Ordinal);
        Assert.Contains("--path-style", recorded, StringComparison.Ordinal);
        foreach (var secret in new[] { FakeAwsProcess.SecretAccessKey, Secret })
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Out + result.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Latest_variables_that_are_not_there_stop_the_restore_before_the_import()
    {
        tools.Add("npx", "exit 0");
        var (deployment, outputs) = await LocalStackAsync();
        await using var _ = deployment;
        var folder = Directory.CreateDirectory(Path.Combine(directory, "scheduled")).FullName;
        Zip(Path.Combine(folder, "convex-export-dev-20261205T031700Z.zip"), DateTime.UtcNow);

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--dir", folder, "--yes", "--deployment-env", "latest"],
            environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"--deployment-env latest: no stored variables (convex-env-dev-*.env) in {folder}", result.Error);
        Assert.Empty(tools.Calls("npx"));
    }
}

/// <summary>tests/ConvexInfra.Core.Tests/Aws/fake_aws.py on a loopback port (python3 + botocore), for the CLI's bucket reads.</summary>
internal sealed class FakeAwsProcess : IDisposable
{
    public const string AccessKeyId = "AKIDFAKEEXAMPLE";
    public const string SecretAccessKey = "fake/secret/key/for+tests";
    private readonly System.Diagnostics.Process process;
    private readonly string state;

    private FakeAwsProcess(System.Diagnostics.Process process, string state, string endpoint)
    {
        this.process = process;
        this.state = state;
        Endpoint = endpoint;
    }

    public string Endpoint { get; }

    public static FakeAwsProcess Start(string directory)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "ConvexInfra.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }

        var state = Directory.CreateDirectory(Path.Combine(directory, "fake-aws")).FullName;
        var start = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(root, "tests", "ConvexInfra.Core.Tests", "Aws", "fake_aws.py"), "--state", state })
        {
            start.ArgumentList.Add(argument);
        }

        var process = System.Diagnostics.Process.Start(start) ?? throw new InvalidOperationException("could not start fake_aws.py");
        var line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(30)) || !int.TryParse(line.Result, out var port))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException("fake_aws.py did not start (python3-botocore: scripts/install-test-tools.sh)");
        }

        return new FakeAwsProcess(process, state, $"http://127.0.0.1:{port}");
    }

    /// <summary>Stores an object at BUCKET/KEY, as fake_aws.py keeps them.</summary>
    public void Seed(string bucketAndKey, byte[] content)
    {
        var path = Path.Combine(state, "s3", bucketAndKey);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.WriteAllText(path + ".meta.json", "{}");
    }

    public IReadOnlyList<string> Requests()
    {
        var log = Path.Combine(state, "requests.jsonl");
        return File.Exists(log) ? File.ReadAllLines(log) : [];
    }

    public void Dispose()
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        process.Dispose();
    }
}
