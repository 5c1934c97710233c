using System.Diagnostics;

namespace ConvexInfra.Core.Tests.Tools;

public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Output => Stdout + Stderr;
}

/// <summary>
/// Runs the real tools that validate rendered artifacts. A missing tool FAILS the test with the install
/// hint; it never passes silently.
/// </summary>
public static class ExternalTool
{
    public static string Require(string tool)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"'{tool}' is not on PATH: install {tool} (scripts/install-test-tools.sh)");
        return tool;
    }

    public static ToolResult Run(
        string tool,
        IEnumerable<string> arguments,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} {string.Join(' ', info.ArgumentList)} did not finish in time");
        }

        // The tool has exited; its output ends when every process holding the pipes has: a child it left running (an
        // orphan) would keep them open and hang the test, so bound that wait too and name the cause.
        if (!Task.WhenAll(stdout, stderr).Wait(TimeSpan.FromSeconds(10)))
        {
            Assert.Fail($"{tool} {string.Join(' ', info.ArgumentList)} exited {process.ExitCode}, but a process it started still holds its output open (left running)");
        }

        return new ToolResult(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the tool and fails the test with its output unless it exits 0.</summary>
    public static ToolResult Check(string tool, params string[] arguments)
    {
        var result = Run(tool, arguments);
        Assert.True(result.ExitCode == 0, $"{tool} {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Output}");
        return result;
    }
}
