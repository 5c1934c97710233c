using System.Text.Json;

namespace ConvexInfra.Cli.Tests;

public sealed class EnvCommandTests : IDisposable
{
    private const string Key = "convex-prod|01" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233";

    private const string Outputs = $$"""
        {"apiUrl":"https://api.convex.example.com","siteUrl":"https://site.convex.example.com","dashboardUrl":"https://dashboard.convex.example.com",
         "adminKey":"{{Key}}","instanceName":"convex-prod","stack":"prod","target":"aws-ec2","tier":"prod","region":"eu-west-1",
         "imageRevision":"0123456789abcdef0123456789abcdef01234567"}
        """;

    private readonly string dir = Directory.CreateTempSubdirectory("cliops-env-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // The stand-in pulumi is a POSIX shell script; CI and this project's tooling run on Linux.
    private static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b111_101_101);
        }
    }

    private Task<CliRunner.Result> RunAsync(string[] args, string? stdin = Outputs, Dictionary<string, string>? env = null) =>
        CliRunner.RunAsync(args, stdin, env, dir);

    [Fact]
    public async Task Vite_from_stdin_prints_only_the_public_url()
    {
        var result = await RunAsync(["env", "--from", "-", "--format", "vite"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("# Convex stack 'prod': written by convex-infra env --format vite\nVITE_CONVEX_URL=https://api.convex.example.com\n", result.Out);
        Assert.DoesNotContain("01001122", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nextjs_works_even_from_outputs_without_show_secrets()
    {
        var result = await RunAsync(["env", "--from", "-", "--format", "nextjs"], Outputs.Replace(Key, "[secret]", StringComparison.Ordinal));
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("NEXT_PUBLIC_CONVEX_URL=https://api.convex.example.com\n", result.Out);
    }

    [Fact]
    public async Task Convex_cli_from_redacted_outputs_explains_show_secrets()
    {
        var result = await RunAsync(["env", "--from", "-", "--format", "convex-cli"], Outputs.Replace(Key, "[secret]", StringComparison.Ordinal));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pulumi stack output --json --show-secrets", result.Error);
    }

    [Fact]
    public async Task Write_merges_into_an_existing_file_keeping_other_lines_and_sets_mode_600()
    {
        var path = Path.Combine(dir, ".env.local");
        await File.WriteAllTextAsync(path, "# local settings\r\nCONVEX_SELF_HOSTED_URL=http://127.0.0.1:3210\r\nMY_FLAG=1 # mine\r\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100);
        }

        var result = await RunAsync(["env", "--from", "-", "--format", "convex-cli", "--write", ".env.local"]);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("merged CONVEX_SELF_HOSTED_URL, CONVEX_SELF_HOSTED_ADMIN_KEY into .env.local (mode 600", result.Error);
        Assert.Equal(
            "# local settings\r\nCONVEX_SELF_HOSTED_URL=https://api.convex.example.com\r\nMY_FLAG=1 # mine\r\n\r\n" +
            $"# Convex stack 'prod': written by convex-infra env --format convex-cli\r\nCONVEX_SELF_HOSTED_ADMIN_KEY='{Key}'\r\n",
            await File.ReadAllTextAsync(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
        Assert.DoesNotContain(Key, result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_of_a_frontend_file_keeps_its_mode_and_is_idempotent()
    {
        var path = Path.Combine(dir, ".env.production");
        var first = await RunAsync(["env", "--from", "-", "--format", "vite", "--write", path]);
        var once = await File.ReadAllTextAsync(path);
        var second = await RunAsync(["env", "--from", "-", "--format", "vite", "--write", path]);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(once, await File.ReadAllTextAsync(path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.True(File.GetUnixFileMode(path).HasFlag(UnixFileMode.OtherRead));
        }
    }

    [Fact]
    public async Task Json_written_to_a_file_is_private()
    {
        var result = await RunAsync(["env", "--from", "-", "--format", "json", "--write", "env.json"]);
        Assert.Equal(0, result.ExitCode);
        var path = Path.Combine(dir, "env.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path));
        Assert.Equal(Key, json.RootElement.GetProperty("CONVEX_SELF_HOSTED_ADMIN_KEY").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task Github_masks_the_key_first_and_appends_env_and_outputs()
    {
        var envFile = Path.Combine(dir, "github_env");
        var outputFile = Path.Combine(dir, "github_output");
        await File.WriteAllTextAsync(envFile, "EARLIER=1\n");
        var result = await RunAsync(["env", "--from", "-", "--format", "github"],
            env: new() { ["GITHUB_ENV"] = envFile, ["GITHUB_OUTPUT"] = outputFile });

        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"::add-mask::{Key}", result.Out.Split('\n')[0]);
        Assert.Single(result.Out.Split('\n'), l => l.Contains(Key, StringComparison.Ordinal));
        var env = await File.ReadAllTextAsync(envFile);
        Assert.StartsWith("EARLIER=1\nCONVEX_SELF_HOSTED_URL=https://api.convex.example.com\n", env, StringComparison.Ordinal);
        Assert.Contains($"CONVEX_SELF_HOSTED_ADMIN_KEY={Key}\n", env);
        Assert.Contains("NEXT_PUBLIC_CONVEX_URL=https://api.convex.example.com\n", env);
        var outputs = await File.ReadAllTextAsync(outputFile);
        Assert.Contains("apiUrl=https://api.convex.example.com\n", outputs);
        Assert.Contains("instanceName=convex-prod\n", outputs);
        Assert.Contains($"adminKey={Key}\n", outputs);
    }

    [Fact]
    public async Task Github_outside_actions_is_a_clear_error()
    {
        var result = await RunAsync(["env", "--from", "-", "--format", "github"]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("$GITHUB_ENV, which is not set", result.Error);
        Assert.Empty(result.Out);
    }

    [Fact]
    public async Task Stack_runs_pulumi_from_path_with_show_secrets()
    {
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var argsFile = Path.Combine(dir, "pulumi-args");
        var pulumi = Path.Combine(bin, "pulumi");
        var outputsFile = Path.Combine(dir, "outputs.json");
        await File.WriteAllTextAsync(outputsFile, Outputs);
        await File.WriteAllTextAsync(pulumi, $"#!/bin/sh\necho \"$@\" > '{argsFile}'\ncat '{outputsFile}'\n");
        MakeExecutable(pulumi);

        var result = await RunAsync(["env", "--stack", "prod", "--format", "vite"], stdin: null, env: new() { ["PATH"] = bin });

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("VITE_CONVEX_URL=https://api.convex.example.com", result.Out);
        Assert.Equal("stack output --json --show-secrets --non-interactive --stack prod", (await File.ReadAllTextAsync(argsFile)).Trim());
    }

    [Fact]
    public async Task Stack_with_failing_pulumi_shows_its_error()
    {
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var pulumi = Path.Combine(bin, "pulumi");
        await File.WriteAllTextAsync(pulumi, "#!/bin/sh\necho 'error: no stack named prod found' >&2\nexit 255\n");
        MakeExecutable(pulumi);

        var result = await RunAsync(["env", "--stack", "prod", "--format", "vite"], stdin: null, env: new() { ["PATH"] = bin });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("exit code 255: error: no stack named prod found", result.Error);
    }

    [Fact]
    public async Task Stack_without_pulumi_on_path_says_how_to_proceed()
    {
        var result = await RunAsync(["env", "--stack", "prod", "--format", "vite"], stdin: null, env: new() { ["PATH"] = dir });
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("pulumi CLI is not on PATH", result.Error);
        Assert.Contains("--from", result.Error);
    }

    [Theory]
    [InlineData(new[] { "env", "--from", "-" }, "--format is required")]
    [InlineData(new[] { "env", "--from", "-", "--format", "yaml" }, "unknown format 'yaml'; expected one of convex-cli, vite, nextjs, dotenv, json, github")]
    [InlineData(new[] { "env", "--format", "vite" }, "the stack outputs are required")]
    [InlineData(new[] { "env", "--from", "-", "--format", "github", "--write", "x" }, "drop --write")]
    [InlineData(new[] { "env", "--from", "-", "--stack", "s", "--format", "vite" }, "not both")]
    public async Task Usage_errors_exit_2(string[] args, string expected)
    {
        var result = await RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Error);
    }

    [Fact]
    public async Task Missing_file_and_invalid_outputs_exit_1()
    {
        var missing = await RunAsync(["env", "--from", "nope.json", "--format", "vite"]);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("--from: file 'nope.json' does not exist", missing.Error);

        var invalid = await RunAsync(["env", "--from", "-", "--format", "vite"], stdin: "{\"apiUrl\": \"https://a\"}");
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("'instanceName' is missing", invalid.Error);
    }
}
