namespace ConvexInfra.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public async Task No_arguments_prints_usage_and_exits_2()
    {
        var result = await CliRunner.RunAsync([]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage: convex-infra COMMAND", result.Out);
    }

    [Fact]
    public async Task Help_lists_every_command()
    {
        var result = await CliRunner.RunAsync(["--help"]);
        Assert.Equal(0, result.ExitCode);
        foreach (var command in ConvexInfra.Cli.CliApp.Commands)
        {
            Assert.Contains(command.Name, result.Out);
        }
    }

    [Fact]
    public async Task Unknown_command_names_it_and_exits_2()
    {
        var result = await CliRunner.RunAsync(["deploy-everything"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("unknown command 'deploy-everything'", result.Error);
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(["version", "--frobnicate"]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--frobnicate", result.Error);
    }

    [Fact]
    public void ArgReader_reads_equals_form_and_rejects_duplicates()
    {
        var reader = new ConvexInfra.Cli.ArgReader(["--stack=dev", "--json"]);
        Assert.Equal("dev", reader.Option("--stack"));
        Assert.True(reader.Flag("--json"));
        reader.EnsureAllConsumed();

        var twice = new ConvexInfra.Cli.ArgReader(["--stack", "a", "--stack", "b"]);
        var e = Assert.Throws<ConvexInfra.Cli.UsageException>(() => twice.Option("--stack"));
        Assert.Contains("more than once", e.Message);
    }
}
