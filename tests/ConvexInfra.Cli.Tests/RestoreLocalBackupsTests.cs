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
