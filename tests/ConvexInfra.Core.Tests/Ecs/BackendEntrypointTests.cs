using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ecs;

/// <summary>The ECS backend entrypoint, checked by shellcheck and run for real under bash with a fake backend and curl.</summary>
public sealed class BackendEntrypointTests
{
    // A stand-in for the image's run_backend.sh: records every signal it gets, exits 7 on SIGINT.
    private const string FakeBackend =
        "#!/usr/bin/env bash\n" +
        "trap 'echo INT >> signals; exit 7' INT\n" +
        "trap 'echo TERM >> signals; exit 9' TERM\n" +
        "echo \"$@\" > args\n" +
        "if [[ -n ${EXIT_AT_ONCE:-} ]]; then exit \"${EXIT_AT_ONCE}\"; fi\n" +
        "touch started\n" +
        "while true; do sleep 0.05; done\n";

    // Records every SIGINT and keeps running for at least a second after the first one, then exits 7.
    private const string PatientBackend =
        "#!/usr/bin/env bash\n" +
        "trap 'echo INT >> signals; stop_at=${stop_at:-${SECONDS}}' INT\n" +
        "trap 'echo TERM >> signals' TERM\n" +
        "touch started\n" +
        "while true; do sleep 0.05; if [[ -n ${stop_at:-} ]] && (( SECONDS - stop_at >= 2 )); then exit 7; fi; done\n";

    // Writes the bundle where -o points and records the URL; fails when CURL_FAIL is set.
    private const string FakeCurl =
        "#!/usr/bin/env bash\n" +
        "if [[ -n ${CURL_FAIL:-} ]]; then echo 'curl: (6) Could not resolve host' >&2; exit 6; fi\n" +
        "out=''\n" +
        "while [[ $# -gt 0 ]]; do\n" +
        "  case $1 in -o) out=$2; shift ;; https://*) echo \"$1\" > curl-url ;; esac\n" +
        "  shift\n" +
        "done\n" +
        "echo '-----BEGIN CERTIFICATE-----' > \"${out}\"\n";

    // Stands in for node running aws-request.mjs when the parameter already holds the address (an upgrade): these tests
    // are about signals and the CA bundle; BackendEntrypointDatabaseWaitTests runs the real script against the fake SSM.
    private const string FakeNode =
        "#!/usr/bin/env bash\n" +
        "printf '%s' db.abc123.eu-west-1.rds.amazonaws.com\n";

    // Starts the entrypoint, waits for the backend to run, sends it the given signals, prints the exit status.
    // Job control on (set -m): otherwise bash starts the entrypoint with SIGINT ignored, unlike ECS's PID 1; it also
    // puts the entrypoint and the backend in a process group of their own, so a backend the entrypoint left running is
    // found, reported and killed rather than left holding the test's output open. Their output goes to a file for the
    // same reason.
    private const string Driver =
        "#!/usr/bin/env bash\n" +
        "set -m\n" +
        "bash ./entrypoint.sh --flag value > entrypoint.log 2>&1 &\n" +
        "pid=$!\n" +
        "for _ in $(seq 1 200); do [[ -e started ]] && break; sleep 0.05; done\n" +
        "[[ -e started ]] || echo 'the backend had not started after 10 s'\n" +
        "for sig in ${SIGNALS}; do kill -\"${sig}\" \"${pid}\"; sleep 0.2; done\n" +
        "wait \"${pid}\"\n" +
        "echo \"exit=$?\"\n" +
        "cat entrypoint.log\n" +
        "if kill -0 -- -\"${pid}\" 2>/dev/null; then echo 'left running after the entrypoint exited'; kill -KILL -- -\"${pid}\"; fi\n";

    [Fact]
    public void Entrypoint_is_shellcheck_clean()
    {
        using var dir = new TempDir();
        var file = dir.Write("entrypoint.sh", BackendEntrypoint.Script);

        ExternalTool.Check("shellcheck", "-s", "bash", "-o", "all", "-e", "SC2250,SC2310,SC2312", file);
    }

    [Fact]
    public void Ecs_runs_the_script_through_bash_without_a_file_in_the_image()
    {
        Assert.Equal(["/bin/bash", "-c", BackendEntrypoint.Script], BackendEntrypoint.EntryPoint);
        Assert.Contains("exec ./run_backend.sh \"$@\"", BackendEntrypoint.Script, StringComparison.Ordinal);
    }

    [Fact]
    public void Sigterm_reaches_the_backend_as_sigint_and_the_exit_status_is_the_backends()
    {
        using var dir = Prepare();

        var result = Run(dir, signals: "TERM");

        Assert.Contains("exit=7", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("INT", File.ReadAllText(Path.Combine(dir.Path, "signals")).Trim());
        Assert.Equal("--flag value", File.ReadAllText(Path.Combine(dir.Path, "args")).Trim());
    }

    [Fact]
    public void A_second_stop_signal_is_not_forwarded_because_a_second_sigint_forces_exit()
    {
        using var dir = Prepare(backend: PatientBackend);

        var result = Run(dir, signals: "TERM INT TERM");

        Assert.Contains("exit=7", result.Stdout, StringComparison.Ordinal);
        Assert.Equal(["INT"], File.ReadAllLines(Path.Combine(dir.Path, "signals")));
    }

    [Fact]
    public void Sigint_is_forwarded_too()
    {
        using var dir = Prepare();

        var result = Run(dir, signals: "INT");

        Assert.Contains("exit=7", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("INT", File.ReadAllText(Path.Combine(dir.Path, "signals")).Trim());
    }

    [Fact]
    public void A_backend_that_exits_on_its_own_passes_its_status_through()
    {
        using var dir = Prepare();

        var result = Run(dir, signals: "", new Dictionary<string, string> { ["EXIT_AT_ONCE"] = "3" });

        Assert.Contains("exit=3", result.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "signals")));
    }

    [Fact]
    public void The_rds_ca_bundle_is_downloaded_to_pg_ca_file_before_the_backend_starts()
    {
        using var dir = Prepare();

        _ = Run(dir, signals: "TERM");

        Assert.Equal(ConvexEnvironment.RdsCaBundleUrl, File.ReadAllText(Path.Combine(dir.Path, "curl-url")).Trim());
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", File.ReadAllText(Path.Combine(dir.Path, "certs", "bundle.pem")), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "certs", "bundle.pem.tmp")));
    }

    [Fact]
    public void A_failed_download_fails_the_task_before_the_backend_starts()
    {
        using var dir = Prepare();

        var result = ExternalTool.Run("bash", ["./entrypoint.sh"], dir.Path, Environment(dir, new Dictionary<string, string> { ["CURL_FAIL"] = "1" }));

        Assert.Equal(6, result.ExitCode);
        Assert.False(File.Exists(Path.Combine(dir.Path, "args")), "run_backend.sh ran without a CA bundle");
        Assert.Contains("Could not resolve host", result.Stderr, StringComparison.Ordinal);
    }

    private static TempDir Prepare(string backend = FakeBackend)
    {
        var dir = new TempDir();
        const UnixFileMode executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        dir.Write("entrypoint.sh", BackendEntrypoint.Script, executable);
        dir.Write("run_backend.sh", backend, executable);
        dir.Write("bin/curl", FakeCurl, executable);
        dir.Write("bin/node", FakeNode, executable);
        dir.Write("driver.sh", Driver, executable);
        return dir;
    }

    private static ToolResult Run(TempDir dir, string signals, Dictionary<string, string>? extra = null)
    {
        var env = Environment(dir, extra);
        env["SIGNALS"] = signals;
        var result = ExternalTool.Run("env", WithDefaultStopSignals("bash", "./driver.sh"), dir.Path, env, TimeSpan.FromSeconds(30));
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("left running", result.Stdout, StringComparison.Ordinal);
        return result;
    }

    /// <summary>
    /// The arguments of <c>env</c> that run <paramref name="command"/> with SIGINT and SIGQUIT at their defaults, as ECS
    /// starts PID 1, even when this test run inherited them ignored (started in the background by a non-interactive
    /// shell): bash cannot trap a signal that was ignored when it started, so the backend would never see its SIGINT.
    /// </summary>
    internal static string[] WithDefaultStopSignals(params string[] command) => ["--default-signal=INT,QUIT", .. command];

    private static Dictionary<string, string> Environment(TempDir dir, Dictionary<string, string>? extra)
    {
        var env = new Dictionary<string, string>(extra ?? [])
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:{System.Environment.GetEnvironmentVariable("PATH")}",
            ["PG_CA_FILE"] = Path.Combine(dir.Path, "certs", "bundle.pem"),
            ["AWS_REGION"] = "eu-west-1",
            [BackendEntrypoint.DatabaseHostParameterVariable] = "/convex-infra/test/db-host",
            [BackendEntrypoint.DatabasePortVariable] = "5432",
            [BackendEntrypoint.DatabaseCredentialsVariable] = "convex:pw",
            [AwsRequestScript.Variable] = AwsRequestScript.Text,
        };
        return env;
    }
}
