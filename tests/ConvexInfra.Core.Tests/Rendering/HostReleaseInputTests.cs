using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using static ConvexInfra.Core.Tests.Rendering.HostScenario;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// What convex-release reads and how it answers: exactly the secret versions a release names (SSM may serve a new
/// version late), releases it cannot use (reported, counted, nothing installed), and what killed runs leave behind.
/// </summary>
public class HostReleaseInputTests
{
    private static string InstanceSecretParameter(FakeHost host) => host.Aws.Parameters.InstanceSecret;

    [Fact]
    public void A_secret_version_SSM_does_not_serve_yet_is_awaited_and_then_applied()
    {
        using var host = Applied(out _);
        var upgrade = PublishUpgrade(host);
        Assert.Equal(2, host.ParameterVersion(InstanceSecretParameter(host)));
        host.Lag(InstanceSecretParameter(host), reads: 3);

        var result = host.RunRelease();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"SSM does not serve version 2 of {InstanceSecretParameter(host)} yet ({SsmFacts.VersionNotFound})", result.Stderr, StringComparison.Ordinal);
        Assert.Equal(4, host.Calls.Count(c => c.Contains($"--name {InstanceSecretParameter(host)}{SsmFacts.VersionSelector}2 ", StringComparison.Ordinal)));
        Assert.Equal(["sleep 2", "sleep 4", "sleep 8"], host.Calls.Where(c => c.StartsWith("sleep ", StringComparison.Ordinal) && !c.EndsWith(" 30", StringComparison.Ordinal)));
        AssertLastReport(host, upgrade, HostStatus.Applied);
        AssertRuns(host, Upgraded(host), RotatedInstanceSecret);
        Assert.DoesNotContain(RotatedInstanceSecret, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(RotatedInstanceSecret, File.ReadAllText(host.CallsLog), StringComparison.Ordinal);
    }

    [Fact]
    public void A_secret_version_never_served_within_the_deadline_fails_and_keeps_the_running_release()
    {
        using var host = Applied(out var first);
        var upgrade = PublishUpgrade(host);
        host.Lag(InstanceSecretParameter(host), reads: 1000);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        AssertLastReport(host, upgrade, HostStatus.Failed, $"SSM does not serve version 2 of {InstanceSecretParameter(host)} yet");
        Assert.Contains(host.Calls, c => c.Contains("put-metric-data", StringComparison.Ordinal) && c.Contains("--value 1", StringComparison.Ordinal));
        var waited = host.Calls.Where(c => c.StartsWith("sleep ", StringComparison.Ordinal)).Sum(c => int.Parse(c["sleep ".Length..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(waited, host.Spec.Rollout.BackendHealthTimeoutSeconds / 2, host.Spec.Rollout.BackendHealthTimeoutSeconds);
        Assert.Equal(first.Sha256, host.AppliedHash);
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
        AssertNothingLeftBehind(host);

        // Once SSM serves it, the next run applies the release.
        host.Lag(InstanceSecretParameter(host), reads: 0);
        Assert.Equal(0, host.RunRelease().ExitCode);
        AssertRuns(host, Upgraded(host), RotatedInstanceSecret);
    }

    [Fact]
    public void An_answer_with_an_older_version_is_never_written_to_the_host()
    {
        using var host = Applied(out _);
        var upgrade = PublishUpgrade(host);
        host.Lag(InstanceSecretParameter(host), reads: 1000);
        host.IgnoreVersionSelector(InstanceSecretParameter(host));

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        AssertLastReport(host, upgrade, HostStatus.Failed, $"SSM answered version 1 of {InstanceSecretParameter(host)}, the release names version 2");
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
    }

    public static TheoryData<string> UnusableReleases =>
    [
        "not JSON",
        "truncated",
        "a file path leaving /etc/convex",
        "a file path overwriting the secrets",
        "a secret variable name with a line break",
    ];

    private static string Unusable(string kind, string json) => kind switch
    {
        "not JSON" => "release? what release",
        "truncated" => json[..(json.Length / 2)],
        "a file path leaving /etc/convex" => json.Replace("\"path\":\"backend.env\"", "\"path\":\"../../etc/cron.d/x\"", StringComparison.Ordinal),
        "a file path overwriting the secrets" => json.Replace("\"path\":\"backend.env\"", $"\"path\":\"{HostLayout.BackendSecretsEnvName}\"", StringComparison.Ordinal),
        "a secret variable name with a line break" => json.Replace("\"name\":\"POSTGRES_URL\"", "\"name\":\"POSTGRES_URL\\nX\"", StringComparison.Ordinal),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(UnusableReleases))]
    public void A_release_the_host_cannot_use_is_reported_failed_and_counted_before_anything_is_installed(string kind)
    {
        using var host = Applied(out var first);
        var scriptBefore = host.ReadRooted(HostLayout.ReleaseScriptPath);
        // The bad release also names new host tooling: not even that may be installed.
        var tooling = HostTooling.Render(host.Spec, HostTooling.Files(host.Spec).Select(f => f with { Content = f.Content + "# v2\n" }).ToList());
        var valid = host.Publish(Upgraded(host), RotatedInstanceSecret, PostgresUrlValue, tooling);
        var text = Unusable(kind, valid.Json);
        Assert.NotEqual(valid.Json, text);
        host.SetParameter(ResourceNames.ReleaseParameter(host.Spec), text);
        var calls = host.Calls.Count;

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        AssertLastReport(host, new HostReleaseBundle(text, HostRelease.Sha256Hex(text)), HostStatus.Failed, "this host cannot use the release");
        Assert.Contains(host.Calls.Skip(calls), c => c.Contains($"put-metric-data --region eu-west-1 --namespace {HostStatus.MetricNamespace} --metric-name {HostStatus.MetricName}", StringComparison.Ordinal)
            && c.Contains("--value 1", StringComparison.Ordinal));
        Assert.Equal(scriptBefore, host.ReadRooted(HostLayout.ReleaseScriptPath));
        Assert.DoesNotContain(host.Calls.Skip(calls), c => c.StartsWith("docker", StringComparison.Ordinal) || c.Contains("--with-decryption", StringComparison.Ordinal));
        Assert.Equal(first.Sha256, host.AppliedHash);
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
        Assert.False(File.Exists(Path.Combine(host.Root, "etc/cron.d/x")));

        // Reported once, not every minute; the fixed release is applied.
        Assert.NotEqual(0, host.RunRelease().ExitCode);
        Assert.Single(host.Reports, r => r.GetProperty("release").GetString() == HostRelease.Sha256Hex(text));
        host.SetParameter(ResourceNames.ReleaseParameter(host.Spec), valid.Json);
        Assert.Equal(0, host.RunRelease().ExitCode);
        AssertLastReport(host, valid, HostStatus.Applied);
    }

    [Fact]
    public void A_host_that_never_read_a_usable_release_reports_to_the_status_parameter_host_env_names()
    {
        var spec = TestSpecs.Ec2Prod;
        using var host = new FakeHost(spec, TestSpecs.RequireAws(spec));
        host.SetParameter(ResourceNames.ReleaseParameter(spec), "{\"format\":");
        Assert.NotEqual(0, host.RunRelease().ExitCode);
        Assert.Empty(host.Reports);

        File.AppendAllText(Path.Combine(host.ConfigDir, "host.env"),
            $"CONVEX_STATUS_PARAMETER={ResourceNames.HostStatusParameter(spec)}\nCONVEX_METRIC_NAMESPACE={HostStatus.MetricNamespace}\nCONVEX_METRIC_STACK={ResourceNames.ResourcePrefix(spec)}\n");
        Assert.NotEqual(0, host.RunRelease().ExitCode);

        Assert.Equal(HostStatus.Failed, Assert.Single(host.Reports).GetProperty("status").GetString());
        Assert.Contains(host.Calls, c => c.Contains($"--dimensions Stack={ResourceNames.ResourcePrefix(spec)} --value 1", StringComparison.Ordinal));
    }

    [Fact]
    public void What_a_killed_run_left_behind_is_removed_by_the_next_run()
    {
        using var host = Applied(out _);
        var leftovers = new[] { "stage.Ab12Cd/backend.secrets.env", "staged/backend.secrets.env", "previous/files/backend.secrets.env", "previous.new/files/backend.secrets.env" };
        foreach (var leftover in leftovers)
        {
            var path = Path.Combine(host.StateDir, leftover);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, SecretsFile(TestSpecs.FakeInstanceSecret));
        }

        var result = host.RunRelease(); // the release is unchanged: nothing else happens

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(string.Empty, result.Output);
        AssertNothingLeftBehind(host);
    }
}
