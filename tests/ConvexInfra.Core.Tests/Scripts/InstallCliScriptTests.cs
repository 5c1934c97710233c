using ConvexInfra.Core.Tests.Tools;
using ConvexInfra.Core.Tests.Workflows;

namespace ConvexInfra.Core.Tests.Scripts;

/// <summary>
/// scripts/install-cli.sh (the README's tool install) under bash with a stand-in dotnet on PATH that records its
/// arguments and, for `tool install|update`, drops a convex-infra executable into the tool path.
/// </summary>
[Trait("Category", "Tools")]
public sealed class InstallCliScriptTests : IDisposable
{
    private readonly TempDir dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void The_first_run_installs_a_fresh_version_and_says_how_to_get_it_on_path()
    {
        var result = Run();

        Assert.True(result.ExitCode == 0, result.Output);
        var calls = Calls();
        Assert.Equal(2, calls.Length);
        Assert.Matches(@"^pack .*/infra/ConvexInfra\.Cli --configuration Release --nologo -p:Version=0\.1\.0-local\.\d{14} --output /", calls[0]);
        var version = calls[0].Split("-p:Version=")[1].Split(' ')[0];
        Assert.StartsWith($"tool install ConvexInfra.Cli --tool-path {ToolDir} --add-source /", calls[1], StringComparison.Ordinal);
        Assert.EndsWith($"--version {version}", calls[1], StringComparison.Ordinal);
        Assert.Contains($"export PATH=\"{ToolDir}:$PATH\"", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_run_updates_the_installed_tool_and_knows_when_it_is_on_path()
    {
        Run();
        File.Delete(Path.Combine(dir.Path, "calls"));

        var result = Run(onPath: true);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.StartsWith("tool update ConvexInfra.Cli", Calls()[1], StringComparison.Ordinal);
        Assert.Contains("It is on your PATH", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_script_passes_shellcheck_with_every_optional_check()
    {
        var result = ExternalTool.Run("shellcheck", ["-o", "all", Script]);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    private static string Script => Path.Combine(WorkflowYaml.Root, "scripts", "install-cli.sh");

    private string ToolDir => Path.Combine(dir.Path, "tools");

    private string[] Calls() => File.ReadAllLines(Path.Combine(dir.Path, "calls"));

    private ToolResult Run(bool onPath = false)
    {
        dir.Write(
            "bin/dotnet",
            $"""
            #!/bin/sh
            printf '%s\n' "$*" >> '{dir.Path}/calls'
            if [ "$1" = tool ]; then
              mkdir -p '{ToolDir}'
              printf '#!/bin/sh\n' > '{ToolDir}/convex-infra'
              chmod +x '{ToolDir}/convex-infra'
            fi
            """.ReplaceLineEndings("\n"),
            UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = $"{Path.Combine(dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        return ExternalTool.Run("bash", [Script], dir.Path, new Dictionary<string, string>
        {
            ["PATH"] = onPath ? $"{ToolDir}:{path}" : path,
            ["CONVEX_INFRA_TOOL_DIR"] = ToolDir,
        });
    }
}
