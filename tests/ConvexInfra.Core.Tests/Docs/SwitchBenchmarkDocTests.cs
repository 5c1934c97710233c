using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Docs;

/// <summary>
/// The switch benchmark's figures in docs/aws.md come from its command: the block names the script that produced
/// them, the script runs the benchmark entry (SwitchBenchmark, skipped in the test run), each row has the figures
/// that entry prints, and the start times are those of the command line.
/// </summary>
public partial class SwitchBenchmarkDocTests
{
    private static readonly string Root = RepoRootFinder.Find();

    [Fact]
    public void The_benchmark_block_comes_from_scripts_bench_switch()
    {
        var doc = File.ReadAllText(Path.Combine(Root, "docs", "aws.md"));
        var block = Block().Match(doc);
        Assert.True(block.Success, "docs/aws.md has no <!-- BEGIN bench:switch --> block");
        var command = Command().Match(doc[..block.Index]);
        Assert.True(command.Success, "the benchmark block must follow the command that produced it (`scripts/bench-switch.sh …`)");

        var script = File.ReadAllText(Path.Combine(Root, "scripts", "bench-switch.sh"));
        Assert.Contains("FullyQualifiedName~SwitchBenchmark", script, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "tests", "ConvexInfra.Core.Tests", "Rendering", "SwitchBenchmark.cs")));

        var rows = block.Groups["rows"].Value.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| backend", StringComparison.Ordinal)).ToList();
        var starts = command.Groups["starts"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(starts.Length, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = Row().Match(rows[i]);
            Assert.True(row.Success, $"row '{rows[i]}' is not: start | applied | gap | requests | failed | longest | websocket");
            Assert.Equal(double.Parse(starts[i], CultureInfo.InvariantCulture), double.Parse(row.Groups["start"].Value, CultureInfo.InvariantCulture));
        }
    }

    [GeneratedRegex(@"<!-- BEGIN bench:switch -->\n(?<rows>(?:.*\n)*?)<!-- END bench:switch -->")]
    private static partial Regex Block();

    [GeneratedRegex(@"`scripts/bench-switch\.sh(?<starts>(?: [0-9.]+)+)`[^`]*$")]
    private static partial Regex Command();

    [GeneratedRegex(@"^\| (?<start>[0-9.]+) s \| [0-9.]+ s \| [0-9.]+ s \| [0-9]+ \| [0-9]+ \| [0-9.]+ s \| [0-9]+ drops?, back after [0-9.]+ s \|$")]
    private static partial Regex Row();
}
