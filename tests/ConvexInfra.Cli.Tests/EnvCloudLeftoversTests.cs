using System.Globalization;

namespace ConvexInfra.Cli.Tests;

/// <summary>env --write and the CONVEX_DEPLOYMENT / CONVEX_DEPLOY_KEY lines a Convex Cloud project leaves behind.</summary>
public sealed class EnvCloudLeftoversTests : IDisposable
{
    private const string Outputs = """
        {"apiUrl": "https://api.convex.example.com", "siteUrl": "https://site.convex.example.com", "dashboardUrl": "https://dashboard.convex.example.com",
         "adminKey": "convex-prod|0100112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233", "instanceName": "convex-prod",
         "stack": "prod", "target": "aws-ec2", "tier": "prod", "region": "eu-west-1", "imageRevision": "0123456789abcdef0123456789abcdef01234567"}
        """;

    private const string CloudEnv = "# Deployment used by `npx convex dev`\nCONVEX_DEPLOYMENT=dev:happy-otter-123 # team: me, project: app\n\nVITE_CONVEX_URL=https://happy-otter-123.convex.cloud\nexport CONVEX_DEPLOY_KEY=prod:happy-otter-123|eyJ2\n";

    private readonly string dir = Directory.CreateTempSubdirectory("convex-infra-env-cloud-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task Cloud_lines_are_commented_out_with_a_dated_note_and_reported()
    {
        File.WriteAllText(Path.Combine(dir, ".env.local"), CloudEnv);

        var result = await CliRunner.RunAsync(["env", "--from", "-", "--format", "convex-cli", "--write", ".env.local"], stdin: Outputs, workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var text = File.ReadAllText(Path.Combine(dir, ".env.local"));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Contains($"# convex-infra env, {today}: commented out CONVEX_DEPLOYMENT", text);
        Assert.Contains("\n# CONVEX_DEPLOYMENT=dev:happy-otter-123 # team: me, project: app\n", text);
        Assert.Contains("\n# export CONVEX_DEPLOY_KEY=prod:happy-otter-123|eyJ2\n", text);
        Assert.DoesNotMatch(@"(?m)^\s*(export\s+)?CONVEX_DEPLOY(MENT|_KEY)=", text);
        Assert.Contains("CONVEX_SELF_HOSTED_URL=https://api.convex.example.com", text);
        Assert.Contains("VITE_CONVEX_URL=https://happy-otter-123.convex.cloud", text);
        Assert.Contains("commented out CONVEX_DEPLOYMENT and CONVEX_DEPLOY_KEY in .env.local", result.Error);
    }

    [Fact]
    public async Task Keep_cloud_leaves_them_and_says_nothing()
    {
        File.WriteAllText(Path.Combine(dir, ".env.local"), CloudEnv);

        var result = await CliRunner.RunAsync(["env", "--from", "-", "--format", "convex-cli", "--write", ".env.local", "--keep-cloud"], stdin: Outputs, workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var text = File.ReadAllText(Path.Combine(dir, ".env.local"));
        Assert.Contains("\nCONVEX_DEPLOYMENT=dev:happy-otter-123 # team: me, project: app\n", text);
        Assert.Contains("\nexport CONVEX_DEPLOY_KEY=prod:happy-otter-123|eyJ2\n", text);
        Assert.DoesNotContain("commented out", result.Error);
    }

    [Fact]
    public async Task Keep_cloud_without_write_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["env", "--from", "-", "--format", "vite", "--keep-cloud"], stdin: Outputs, workingDirectory: dir);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--keep-cloud only applies to --write PATH", result.Error);
    }
}
