namespace ConvexInfra.Cli.Tests;

/// <summary>
/// The help of every command, as files under tests/ConvexInfra.Cli.Tests/Help: a change of options or wording shows
/// in review as a diff of these files. To accept a change on purpose, run the tests with UPDATE_HELP=1 and commit.
/// </summary>
public sealed class HelpGoldenTests
{
    public static TheoryData<string> Commands() => [.. CommandPaths()];

    private static List<string> CommandPaths()
    {
        var data = new List<string> { string.Empty };
        foreach (var command in CliApp.BuildRoot(CliConsole.System()).Subcommands)
        {
            data.Add(command.Name);
            foreach (var sub in command.Subcommands)
            {
                data.Add($"{command.Name} {sub.Name}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_matches_the_golden_file(string command)
    {
        var result = await CliRunner.RunAsync([.. command.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);
        Assert.Equal(0, result.ExitCode);
        var actual = Normalize(result.Out);
        var file = Path.Combine(SourceDirectory(), "Help", (command.Length == 0 ? "convex-infra" : command.Replace(' ', '_')) + ".txt");
        if (Environment.GetEnvironmentVariable("UPDATE_HELP") == "1")
        {
            await File.WriteAllTextAsync(file, actual);
        }

        Assert.True(File.Exists(file), $"no golden help file {file}; run the tests with UPDATE_HELP=1 to write it");
        Assert.Equal(Normalize(await File.ReadAllTextAsync(file)), actual);
    }

    [Fact]
    public void Every_golden_file_belongs_to_a_command()
    {
        var expected = CommandPaths().Select(c => (c.Length == 0 ? "convex-infra" : c.Replace(' ', '_')) + ".txt").Order(StringComparer.Ordinal);
        var files = Directory.GetFiles(Path.Combine(SourceDirectory(), "Help"), "*.txt").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(expected, files);
    }

    // Wrapped help lines end in a space; compare without trailing blanks so editors cannot break the files.
    private static string Normalize(string text) =>
        string.Join('\n', text.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).TrimEnd() + "\n";

    private static string SourceDirectory([System.Runtime.CompilerServices.CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
