namespace ConvexInfra.Cli.Tests;

/// <summary><c>convex-infra logs</c> against fake <c>aws</c> and <c>docker</c> executables that record their arguments.</summary>
public sealed class LogsCommandTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("convex-infra-logs-").FullName;

    public LogsCommandTests()
    {
        foreach (var tool in new[] { "aws", "docker" })
        {
            var path = Path.Combine(scratch, "bin", tool);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"#!/bin/sh\necho \"$*\" >> {Path.Combine(scratch, tool + ".log")}\necho \"{tool} line 1\"\necho \"{tool} warning\" >&2\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    private Dictionary<string, string> Environment => new() { ["PATH"] = Path.Combine(scratch, "bin") };

    private string Recorded(string tool) => File.Exists(Path.Combine(scratch, tool + ".log")) ? File.ReadAllText(Path.Combine(scratch, tool + ".log")).Trim() : string.Empty;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ConvexInfra.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("ConvexInfra.sln not found");
    }

    [Fact]
    public async Task Ec2_stack_tails_its_log_group_through_the_aws_cli()
    {
        var result = await CliRunner.RunAsync(["logs", "--stack", "prod", "--container", "proxy", "--since", "2h", "--follow"], environment: Environment, workingDirectory: RepoRoot());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("logs tail /convex-infra/prod/ec2 --log-stream-name-prefix proxy --since 2h --format short --region eu-west-1 --follow", Recorded("aws"));
        Assert.Contains("aws line 1", result.Out, StringComparison.Ordinal);
        Assert.Contains("aws warning", result.Error, StringComparison.Ordinal);
        Assert.Empty(Recorded("docker"));
    }

    [Fact]
    public async Task Ecs_stack_defaults_to_the_backend_for_the_last_hour()
    {
        var result = await CliRunner.RunAsync(["logs", "--stack", "ecs"], environment: Environment, workingDirectory: RepoRoot());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.StartsWith("logs tail /convex-infra/ecs/ecs --log-stream-name-prefix backend/backend/ --since 1h --format short --region ", Recorded("aws"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_stack_reads_docker_logs()
    {
        var result = await CliRunner.RunAsync(["logs", "--stack", "local", "--container", "dashboard"], environment: Environment, workingDirectory: RepoRoot());

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Matches("^logs --since 1h --timestamps convex-[a-z0-9-]+-dashboard$", Recorded("docker"));
        Assert.Empty(Recorded("aws"));
    }

    [Theory]
    [InlineData("--container", "caddy", "--container: got 'caddy'")]
    [InlineData("--since", "1d", "--since: got '1d'")]
    public async Task Bad_options_are_usage_errors_that_name_the_option(string option, string value, string message)
    {
        var result = await CliRunner.RunAsync(["logs", "--stack", "prod", option, value], environment: Environment, workingDirectory: RepoRoot());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Empty(Recorded("aws"));
    }

    [Fact]
    public async Task A_missing_aws_cli_is_reported()
    {
        var result = await CliRunner.RunAsync(["logs", "--stack", "prod"], environment: new Dictionary<string, string> { ["PATH"] = scratch }, workingDirectory: RepoRoot());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("AWS CLI v2", result.Error, StringComparison.Ordinal);
    }
}
