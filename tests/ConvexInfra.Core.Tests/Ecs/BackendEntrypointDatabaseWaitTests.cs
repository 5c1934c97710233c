using System.Diagnostics;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Tests.Aws;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ecs;

/// <summary>
/// The ECS entrypoint's wait for the database address, run for real: bash, the real <c>aws-request.mjs</c> under Node,
/// the shared fake AWS (SSM GetParameter, signatures checked by botocore, credentials from the fake container endpoint)
/// and a stand-in <c>run_backend.sh</c> that prints only the host of the POSTGRES_URL it got.
/// </summary>
public sealed class BackendEntrypointDatabaseWaitTests
{
    private const string Parameter = "/convex-infra/test/db-host";
    private const string Host = "test-db.abc123xyz.eu-west-1.rds.amazonaws.com";

    // The password has characters that must stay percent-encoded; it must never appear in any output.
    private static readonly string Credentials = PostgresUrl.Credentials("convex", "pa55/wörd%secret");

    // Prints the host of POSTGRES_URL (never the URL), whether the credentials variable is still set, then runs until SIGINT.
    private const string HostPrintingBackend =
        "#!/usr/bin/env bash\n" +
        "trap 'echo INT >> signals; exit 7' INT\n" +
        "rest=${POSTGRES_URL#postgresql://*@}\n" +
        "echo \"host=${rest%%:*}\"\n" +
        "echo \"port=${rest##*:}\"\n" +
        "echo \"credentials-variable=${CONVEX_INFRA_DB_CREDENTIALS:-unset}\"\n" +
        "echo \"script-variable=${CONVEX_INFRA_AWS_REQUEST:+set}\"\n" +
        "[[ ${POSTGRES_URL} == \"postgresql://${EXPECTED_CREDENTIALS}@\"* ]] && echo credentials=match\n" +
        "touch started\n" +
        "echo backend-ready\n" +
        "while true; do sleep 0.05; done\n";

    private const string FakeCurl =
        "#!/usr/bin/env bash\n" +
        "out=''\n" +
        "while [[ $# -gt 0 ]]; do case $1 in -o) out=$2; shift ;; esac; shift; done\n" +
        "echo '-----BEGIN CERTIFICATE-----' > \"${out}\"\n";

    [Fact]
    public async Task A_first_deploy_waits_while_the_parameter_is_missing_and_starts_once_it_is_written()
    {
        using var aws = new FakeAws();
        using var dir = Prepare();
        var clock = Stopwatch.StartNew();
        using var entrypoint = Start(dir, aws);
        int Reads() => aws.Requests().Count(r => r.Operation == "GetParameter");

        // It keeps polling while the parameter is missing (three reads), never faster than every 2 s.
        await WaitForAsync(() => Reads() >= 3, TimeSpan.FromSeconds(60), entrypoint);
        var elapsed = clock.Elapsed;
        Assert.True(elapsed >= TimeSpan.FromSeconds(2 * BackendEntrypoint.PollSeconds), $"3 reads in {elapsed}:\n{entrypoint.Output()}");
        Assert.False(File.Exists(Path.Combine(dir.Path, "started")), "the backend started without a database address:\n" + entrypoint.Output());
        Assert.Contains($"waiting for the database address in SSM parameter {Parameter}: not written yet", entrypoint.Output(), StringComparison.Ordinal);
        // One log line per reason, not one per poll (a passing error of the fake would be a second reason, logged once).
        Assert.True(CountOf(entrypoint.Output(), ": not written yet") == 1, entrypoint.Output());
        Assert.All(aws.Requests().Where(r => r.Operation == "GetParameter"), r => Assert.True(r.SignatureOk, r.Detail));

        aws.PutParameter(Parameter, Host);
        await WaitForAsync(() => entrypoint.Output().Contains("backend-ready", StringComparison.Ordinal), TimeSpan.FromSeconds(15), entrypoint);

        var output = entrypoint.Output();
        Assert.Contains($"host={Host}", output, StringComparison.Ordinal);
        Assert.Contains("port=5432", output, StringComparison.Ordinal);
        Assert.Contains("credentials=match", output, StringComparison.Ordinal);
        Assert.Contains("credentials-variable=unset", output, StringComparison.Ordinal);
        Assert.Contains("script-variable=\n", output.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
        AssertNoSecret(output, aws);

        // The backend runs as before: SIGTERM reaches it as SIGINT and its status comes back.
        entrypoint.Signal("TERM");
        Assert.Equal(7, await entrypoint.ExitAsync());
        Assert.Equal("INT", File.ReadAllText(Path.Combine(dir.Path, "signals")).Trim());
    }

    [Fact]
    public async Task An_upgrade_finds_the_address_at_once_and_starts_without_waiting()
    {
        using var aws = new FakeAws();
        aws.PutParameter(Parameter, Host);
        using var dir = Prepare();
        var clock = Stopwatch.StartNew();
        using var entrypoint = Start(dir, aws);

        await WaitForAsync(() => entrypoint.Output().Contains("backend-ready", StringComparison.Ordinal), TimeSpan.FromSeconds(15), entrypoint);

        // Node start-up and one signed request, no poll interval: generous bound for a loaded test machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.DoesNotContain("waiting for the database address", entrypoint.Output(), StringComparison.Ordinal);
        Assert.Contains($"host={Host}", entrypoint.Output(), StringComparison.Ordinal);
        Assert.Single(aws.Requests(), r => r.Operation == "GetParameter");
        AssertNoSecret(entrypoint.Output(), aws);
        entrypoint.Signal("TERM");
        Assert.Equal(7, await entrypoint.ExitAsync());
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("")]
    [InlineData("not an address")]
    public async Task A_value_that_is_no_address_counts_as_not_written(string placeholder)
    {
        using var aws = new FakeAws();
        aws.PutParameter(Parameter, placeholder);
        using var dir = Prepare();
        using var entrypoint = Start(dir, aws);

        await WaitForAsync(() => aws.Requests().Count(r => r.Operation == "GetParameter") >= 2, TimeSpan.FromSeconds(60), entrypoint);
        Assert.False(File.Exists(Path.Combine(dir.Path, "started")), "the backend started with a placeholder address");
        Assert.Contains("it holds no address yet", entrypoint.Output(), StringComparison.Ordinal);

        aws.PutParameter(Parameter, Host);
        await WaitForAsync(() => entrypoint.Output().Contains("backend-ready", StringComparison.Ordinal), TimeSpan.FromSeconds(15), entrypoint);
        entrypoint.Signal("TERM");
        Assert.Equal(7, await entrypoint.ExitAsync());
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_stop_signal_while_waiting_ends_the_task_cleanly_without_a_backend(string signal)
    {
        using var aws = new FakeAws();
        using var dir = Prepare();
        using var entrypoint = Start(dir, aws);
        await WaitForAsync(() => entrypoint.Output().Contains("waiting for the database address", StringComparison.Ordinal), TimeSpan.FromSeconds(15), entrypoint);

        var clock = Stopwatch.StartNew();
        entrypoint.Signal(signal);
        var status = await entrypoint.ExitAsync();

        Assert.Equal(0, status);
        // The trap ends the 2 s sleep at once (bash runs traps while it waits for the sleeper).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed} to stop");
        Assert.Contains("stopped while waiting for the database address", entrypoint.Output(), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "started")));
    }

    [Fact]
    public async Task An_ssm_error_is_logged_by_its_reason_and_the_wait_goes_on()
    {
        using var aws = new FakeAws();
        aws.PutParameter(Parameter, Host);
        aws.Fail("GetParameter", 400, times: 2);
        using var dir = Prepare();
        using var entrypoint = Start(dir, aws);

        await WaitForAsync(() => entrypoint.Output().Contains("backend-ready", StringComparison.Ordinal), TimeSpan.FromSeconds(20), entrypoint);

        var output = entrypoint.Output();
        Assert.Contains("waiting for the database address", output, StringComparison.Ordinal);
        Assert.Contains("400", output, StringComparison.Ordinal);
        AssertNoSecret(output, aws);
        entrypoint.Signal("TERM");
        Assert.Equal(7, await entrypoint.ExitAsync());
    }

    private static void AssertNoSecret(string output, FakeAws aws)
    {
        foreach (var text in new[] { output, aws.RequestLog() })
        {
            Assert.DoesNotContain("pa55", text, StringComparison.Ordinal);
            Assert.DoesNotContain(Credentials, text, StringComparison.Ordinal);
            Assert.DoesNotContain(FakeAws.SecretAccessKey, text, StringComparison.Ordinal);
        }
    }

    private static int CountOf(string text, string part) => text.Split(part).Length - 1;

    private static TempDir Prepare()
    {
        var dir = new TempDir();
        const UnixFileMode executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        dir.Write("entrypoint.sh", BackendEntrypoint.Script, executable);
        dir.Write("run_backend.sh", HostPrintingBackend, executable);
        dir.Write("bin/curl", FakeCurl, executable);
        return dir;
    }

    private static RunningEntrypoint Start(TempDir dir, FakeAws aws)
    {
        // As ECS starts PID 1: with SIGINT and SIGQUIT at their defaults even when the test run inherited them ignored
        // (a run started in the background), since bash cannot trap a signal that was ignored when it started.
        var info = new ProcessStartInfo(ExternalTool.Require("env"))
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in BackendEntrypointTests.WithDefaultStopSignals("bash", "./entrypoint.sh"))
        {
            info.ArgumentList.Add(argument);
        }

        var env = info.Environment;
        foreach (var (key, value) in aws.ContainerEnvironment())
        {
            env[key] = value;
        }

        env["PATH"] = $"{Path.Combine(dir.Path, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        env["PG_CA_FILE"] = Path.Combine(dir.Path, "certs", "bundle.pem");
        env["AWS_REGION"] = "eu-west-1";
        env[BackendEntrypoint.DatabaseHostParameterVariable] = Parameter;
        env[BackendEntrypoint.DatabasePortVariable] = "5432";
        env[BackendEntrypoint.DatabaseCredentialsVariable] = Credentials;
        env["EXPECTED_CREDENTIALS"] = Credentials;
        env[AwsRequestScript.Variable] = AwsRequestScript.Text;
        return new RunningEntrypoint(Process.Start(info) ?? throw new InvalidOperationException("bash did not start"));
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan timeout, RunningEntrypoint entrypoint)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout || entrypoint.Process.HasExited)
            {
                Assert.Fail($"timed out or exited after {clock.Elapsed}; output:\n{entrypoint.Output()}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The entrypoint as a child process, its stdout and stderr collected as they come.</summary>
    private sealed class RunningEntrypoint : IDisposable
    {
        private readonly System.Text.StringBuilder _output = new();

        public RunningEntrypoint(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public Process Process { get; }

        public string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }

        public void Signal(string signal) =>
            ExternalTool.Run("bash", ["-c", $"kill -{signal} {Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}"]);

        public async Task<int> ExitAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await Process.WaitForExitAsync(timeout.Token);
            return Process.ExitCode;
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
