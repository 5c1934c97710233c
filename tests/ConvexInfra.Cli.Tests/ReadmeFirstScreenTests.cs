using System.Text.RegularExpressions;

namespace ConvexInfra.Cli.Tests;

/// <summary>The README's first screen says how its first command (plan --stack dev --out out/dev) ends: that line is plan's.</summary>
public sealed partial class ReadmeFirstScreenTests : IDisposable
{
    private readonly string scratch = Directory.CreateTempSubdirectory("convex-infra-readme-").FullName;

    public void Dispose() => Directory.Delete(scratch, recursive: true);

    [Fact]
    public async Task The_first_command_ends_as_the_readme_says()
    {
        var root = RepoRoot();
        var readme = await File.ReadAllTextAsync(Path.Combine(root, "README.md"));
        Assert.Contains("dotnet run --project infra/ConvexInfra.Cli -- plan --stack dev --out out/dev\n", readme, StringComparison.Ordinal);
        var quoted = PlanEnding().Match(readme);
        Assert.True(quoted.Success, "the README's table of the first two commands has no plan row with its last line");

        var outDir = Path.Combine(scratch, "out", "dev");
        var result = await CliRunner.RunAsync(["plan", "--stack", "dev", "--out", outDir], workingDirectory: root);

        Assert.True(result.ExitCode == 0, result.Error);
        var pattern = "^" + Regex.Escape(quoted.Groups[1].Value).Replace("<N>", @"(\d+)", StringComparison.Ordinal)
            .Replace("out/dev", Regex.Escape(outDir), StringComparison.Ordinal) + "$";
        var wrote = Regex.Match(result.Out, pattern, RegexOptions.Multiline);
        Assert.True(wrote.Success, $"plan printed no line like '{quoted.Groups[1].Value}':\n{result.Out}");
        // "and their paths": every line after it is an artifact it wrote.
        var paths = result.Out[(wrote.Index + wrote.Length)..].Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(int.Parse(wrote.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), paths.Length);
        Assert.All(paths, path => Assert.True(File.Exists(Path.Combine(outDir, path)), $"{path} is not in {outDir}"));
    }

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

    [GeneratedRegex(@"^\| `plan` \| `([^`]+)` and their paths", RegexOptions.Multiline)]
    private static partial Regex PlanEnding();
}
