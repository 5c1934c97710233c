using System.Diagnostics;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Tests.Outputs;

/// <summary>A rendered file read back by a real parser: bash's <c>source</c> (values must survive unchanged).</summary>
public class DotenvShellTests
{
    [Fact]
    public void Bash_source_reads_back_every_value_unchanged()
    {
        EnvVariable[] variables =
        [
            new("CONVEX_SELF_HOSTED_URL", "https://api.example.com", false),
            new("CONVEX_SELF_HOSTED_ADMIN_KEY", "convex-prod|01abcdef0123", true),
            new("WITH_SPACE", "a b # not a comment", false),
            new("WITH_QUOTE", "it's", false),
            new("EMPTY", "", false),
        ];
        var path = Path.Combine(Path.GetTempPath(), $"cliops-{Guid.NewGuid():N}.env");
        File.WriteAllText(path, DotenvFile.Render(variables, "test"));
        try
        {
            var script = "set -a; . \"$1\"; " + string.Join(" ", variables.Select(v => $"printf '%s\\0' \"${v.Name}\";"));
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { "-c", script, "bash", path })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
            Assert.Equal(variables.Select(v => v.Value), output.Split('\0')[..^1]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
