using System.IO.Compression;
using ConvexInfra.Cli.Tests.Servers;

namespace ConvexInfra.Cli.Tests;

/// <summary>
/// restore on the local target with scheduled exports: the stack file in the working folder names the folder
/// (localBackupDir) and the bucket (localBackupBucket); --from latest and --deployment-env latest find the newest export
/// and the newest stored variables (convex-env-STACK-STAMP.json, one JSON object of name → value) there, values never
/// in arguments or output.
/// </summary>
public sealed class RestoreLocalBackupsTests(TestCertificates certificates) : IClassFixture<TestCertificates>, IDisposable
{
    private const string Secret = "sk_live_local_0123456789";

    /// <summary>Values a NAME=value listing could not carry back: a PEM key over several lines, '=' runs, quotes.</summary>
    private static readonly Dictionary<string, string> Awkward = new()
    {
        ["APP_MODE"] = "restored",
        ["STRIPE_KEY"] = Secret,
        ["JWT_PRIVATE_KEY"] = "-----BEGIN PRIVATE KEY-----\nMIIEvQ" + Secret + "==\nAbCd=\n-----END PRIVATE KEY-----\n",
        ["DSN"] = "host=db;password=pw==" + Secret + "==;it's \"quoted\" #x",
    };
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

    /// <summary>
    /// One round of the local exporter's own script (LocalBackups.Script, with the texts its container gets) against
    /// <paramref name="deployment"/>: fake npm, an npx whose export writes a zip, real node, and a sleep that ends the loop.
    /// Returns everything it printed and every node argument.
    /// </summary>
    private string RunExporter(FakeConvexDeployment deployment, string folder)
    {
        var bin = Directory.CreateDirectory(Path.Combine(directory, "exporter-bin")).FullName;
        var args = Path.Combine(directory, "exporter-args.log");
        var zip = Path.Combine(directory, "exported.zip");
        Zip(zip, DateTime.UtcNow);
        void Fake(string name, string body)
        {
            File.WriteAllText(Path.Combine(bin, name), "#!/bin/sh\n" + body + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(bin, name), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        Fake("npm", "exit 0");
        Fake("npx", $$"""
            if [ "$3" = --version ]; then echo {{ConvexInfra.Core.Ops.ExportTask.ConvexCliVersion}}; exit 0; fi
            [ "$3" = export ] || exit 8
            for last; do :; done
            cp "{{zip}}" "$last"
            """);
        Fake("node", $"printf 'node %s\\n' \"$*\" >> \"{args}\"\nexec \"{RealNode()}\" \"$@\"");
        Fake("sleep", "exit 3");
        var stack = System.Text.Json.JsonDocument.Parse(deployment.OutputsJson()).RootElement;
        var script = Path.Combine(directory, "convex-local-exports.sh");
        File.WriteAllText(script, ConvexInfra.Core.Local.LocalBackups.Script());
        var start = new System.Diagnostics.ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(script);
        // The texts the exporter container gets (Core's LocalBackupsTests checks the container carries these).
        start.Environment["CONVEX_CLI_VERSION"] = ConvexInfra.Core.Ops.ExportTask.ConvexCliVersion;
        start.Environment["EXPORT_PACKAGE_JSON"] = "{}";
        start.Environment["EXPORT_PACKAGE_LOCK"] = "{}";
        start.Environment[ConvexInfra.Core.DeploymentEnv.ListVariablesScript.Variable] = ConvexInfra.Core.DeploymentEnv.ListVariablesScript.Text;
        start.Environment["BACKUP_KEEP"] = "true";
        start.Environment["BACKUP_NAME"] = "dev";
        start.Environment["BACKUP_INTERVAL_SECONDS"] = "86400";
        start.Environment["BACKUP_RETENTION_DAYS"] = "7";
        start.Environment["PATH"] = $"{bin}:/usr/bin:/bin";
        start.Environment["BACKUP_DIR"] = folder;
        start.Environment["CONVEX_SELF_HOSTED_URL"] = stack.GetProperty("apiUrl").GetString();
        start.Environment["CONVEX_SELF_HOSTED_ADMIN_KEY"] = stack.GetProperty("adminKey").GetString();
        start.Environment["CLI_DIR"] = Path.Combine(directory, "exporter-cli");
        start.Environment["READY_FILE"] = Path.Combine(directory, "exporter-ready");
        start.Environment["LIST_VARIABLES_FILE"] = Path.Combine(directory, "list-variables.mjs");
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the exporter did not finish its round");
        var printed = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 3, printed);
        Assert.Contains("deployment variables: ", printed, StringComparison.Ordinal);
        return printed + File.ReadAllText(args);
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
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20261201T031700Z.json"), """{"APP_MODE": "old"}""");
        // Another stack's newer variables in the same folder are not this stack's.
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-b-20991206T031700Z.json"), """{"APP_MODE": "other-stack"}""");
        // The previous exporter's raw listing (main only, never released) is not read, however new.
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20991206T031700Z.env"), "APP_MODE=from-old-format\n");
        // One round of the real exporter (sh, real node and the shared lister) against the deployment, into the folder.
        foreach (var (name, value) in Awkward)
        {
            deployment.Variables[name] = value;
        }

        var exporter = RunExporter(deployment, folder);
        var written = Assert.Single(Directory.GetFiles(folder, "convex-env-dev-2*.json"),
            f => !f.EndsWith("20261201T031700Z.json", StringComparison.Ordinal));
        Assert.DoesNotContain(Secret, exporter, StringComparison.Ordinal);
        deployment.Variables.Clear();

        var result = await CliRunner.RunAsync(["restore", "--outputs", outputs, "--from", "latest", "--yes", "--deployment-env", "latest"],
            environment: BackupFixtures.Env(tools), workingDirectory: directory);

        Assert.True(result.ExitCode == 0, result.Out + result.Error);
        var import = Assert.Single(tools.Calls("npx"));
        Assert.Equal(written.Replace("convex-env-", "convex-export-", StringComparison.Ordinal).Replace(".json", ".zip", StringComparison.Ordinal), import.Args[^1]);
        Assert.Equal(Awkward, deployment.Variables);
        Assert.Contains($"4 deployment variable(s) from {written}", result.Error);
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
        File.WriteAllText(Path.Combine(folder, "convex-env-dev-20261201T031700Z.json"), """{"APP_MODE": "old"}""");
        var stamp = DateTime.UtcNow.AddHours(-2).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        var newer = Path.Combine(directory, "newer.zip");
        Zip(newer, DateTime.UtcNow);
        aws.Seed($"convex-backups/local/convex-export-dev-{stamp}.zip", File.ReadAllBytes(newer));
        // As the exporter's lister writes it (JSON.stringify of name → value; the folder test runs the real one).
        aws.Seed($"convex-backups/local/convex-env-dev-{stamp}.json", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(Awkward));
        aws.Seed($"convex-backups/local/convex-env-dev-{stamp}.env", System.Text.Encoding.UTF8.GetBytes("APP_MODE=from-old-format\n"));
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
        Assert.Equal(Awkward, deployment.Variables);
        Assert.Contains($"newest export is s3://convex-backups/local/convex-export-dev-{stamp}.zip", result.Error);
        Assert.All(aws.Requests(), line => Assert.Contains("\"signature_ok\": true", line, StringComparison.Ordinal));
        var recorded = string.Join('\n', tools.Calls("node").Select(c => string.Join(' ', c.Args)));
        Assert.Equal(4, tools.Calls("node").Count); // list + get for the export, list + get for the variables
        Assert.Contains($"--endpoint {aws.Endpoint}", recorded, StringComparison.Ordinal);
        Assert.Contains("--path-style", recorded, StringComparison.Ordinal);
        var requests = string.Join('\n', aws.Requests());
        foreach (var secret in new[] { FakeAwsProcess.SecretAccessKey, Secret })
        {
            Assert.DoesNotContain(secret, recorded, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Out + result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, requests, StringComparison.Ordinal);
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
        Assert.Contains($"--deployment-env latest: no stored variables (convex-env-dev-*.json) in {folder}", result.Error);
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
