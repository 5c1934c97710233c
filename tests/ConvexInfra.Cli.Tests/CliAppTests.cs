namespace ConvexInfra.Cli.Tests;

public class CliAppTests
{
    [Fact]
    public async Task No_arguments_prints_usage_and_exits_2()
    {
        var result = await CliRunner.RunAsync([]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Usage:", result.Out);
        Assert.Contains("convex-infra [command] [options]", result.Out);
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
    public async Task Equals_form_is_read_and_a_repeated_option_is_a_usage_error()
    {
        var equals = await CliRunner.RunAsync(["plan", "--stack=no-such-stack", "--root=/nonexistent-dir"]);
        Assert.Equal(2, equals.ExitCode);
        Assert.Contains("no Pulumi.yaml found in /nonexistent-dir", equals.Error);

        var twice = await CliRunner.RunAsync(["plan", "--stack", "a", "--stack", "b"]);
        Assert.Equal(2, twice.ExitCode);
        Assert.Contains("--stack", twice.Error);
        Assert.Contains("convex-infra plan:", twice.Error);
    }

    [Fact]
    public async Task Version_option_and_verb_print_the_same_line()
    {
        var option = await CliRunner.RunAsync(["--version"]);
        var verb = await CliRunner.RunAsync(["version"]);
        Assert.Equal(0, option.ExitCode);
        Assert.StartsWith("convex-infra ", option.Out, StringComparison.Ordinal);
        Assert.Equal(verb.Out, option.Out);
    }

    [Fact]
    public async Task Suggest_directive_completes_verbs_for_dotnet_suggest()
    {
        var result = await CliRunner.RunAsync(["[suggest:3]", "res"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("reset", result.Out.Split('\n', StringSplitOptions.TrimEntries));
        Assert.Contains("restore", result.Out.Split('\n', StringSplitOptions.TrimEntries));
        Assert.DoesNotContain("verify", result.Out.Split('\n', StringSplitOptions.TrimEntries));
    }
}
