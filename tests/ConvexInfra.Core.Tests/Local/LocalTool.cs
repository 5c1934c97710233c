using System.Diagnostics;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>Runs an installed command-line tool; a missing tool fails the test with how to install it.</summary>
internal static class LocalTool
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Fail($"{tool} is not installed: install {tool} (scripts/install-test-tools.sh)");
            throw;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} did not finish within 60 s");
            }

            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}
