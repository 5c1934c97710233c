using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.DeploymentEnv;

public sealed class ApplyCommandLineTests
{
    [Fact]
    public void The_command_reads_url_and_key_from_the_environment_and_the_map_from_stdin()
    {
        Assert.Equal(
            "convex-infra deployment-env apply --api-url \"${CONVEX_INFRA_API_URL:?}\" --admin-key-env CONVEX_INFRA_ADMIN_KEY --from - --wait 600",
            ApplyCommandLine.Render(ApplyCommandLine.DefaultCli, ApplyCommandLine.DefaultWaitSeconds, prune: false));
    }

    [Fact]
    public void Prune_adds_the_flag()
    {
        Assert.EndsWith(" --wait 30 --prune", ApplyCommandLine.Render("dotnet convex-infra.dll", 30, prune: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Bash_passes_the_url_as_one_argument_and_shellcheck_accepts_the_line()
    {
        var line = ApplyCommandLine.Render("convex-infra", 1, prune: true);
        var script = "convex-infra() { printf '<%s>' \"$@\"; }\n" + line + "\n";

        var run = ExternalTool.Run("bash", ["-c", script], environment: new Dictionary<string, string> { ["CONVEX_INFRA_API_URL"] = "https://api.example.com/ x" });
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("<deployment-env><apply><--api-url><https://api.example.com/ x><--admin-key-env><CONVEX_INFRA_ADMIN_KEY><--from><-><--wait><1><--prune>", run.Stdout);

        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "apply.sh");
        File.WriteAllText(path, "#!/bin/sh\n" + line + "\n");
        ExternalTool.Check("shellcheck", "-o", "all", path);
    }
}
