using System.Diagnostics;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using Xunit.Abstractions;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// The real convex-release (and convex-bootstrap) under bash with fake docker, docker-compose, curl, aws, systemctl
/// and sleep: what the host reports, when it rolls back, that it never runs two backends, that a reboot in the middle
/// of a rollback finishes it, and that a script update arrives with a release.
/// </summary>
public class RolloutScenarioTests(ITestOutputHelper output)
{
    private static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private static readonly string OldImage = TestSpecs.Ec2Prod.BackendImage;
    private static readonly string NewImage = (TestSpecs.Ec2Prod with { ImageRevision = TestSpecs.OtherRevision }).BackendImage;

    private static FakeHost NewHost(out HostReleaseBundle bundle, bool toolingInstalled = true)
    {
        var spec = TestSpecs.Ec2Prod;
        var host = new FakeHost(spec, TestSpecs.RequireAws(spec), toolingInstalled);
        bundle = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        return host;
    }

    private static HostReleaseBundle PublishUpgrade(FakeHost host) =>
        host.Publish(host.Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);

    private static void AssertNeverTwoBackends(FakeHost host)
    {
        Assert.DoesNotContain("TWO BACKENDS", host.BackendEvents);
        var running = 0;
        foreach (var change in host.BackendEvents)
        {
            running += change.StartsWith("start ", StringComparison.Ordinal) ? 1 : change.StartsWith("stop ", StringComparison.Ordinal) ? -1 : 0;
            Assert.InRange(running, 0, 1);
        }
    }

    [Fact]
    public void Success_reports_applied_with_the_release_hash_and_revision()
    {
        using var host = NewHost(out _);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var upgrade = PublishUpgrade(host);

        var clock = Stopwatch.StartNew();
        var result = host.RunRelease();
        clock.Stop();

        Assert.True(result.ExitCode == 0, result.Output);
        output.WriteLine($"host-side time from a new release parameter to 'applied' (fakes, no image pull): {clock.Elapsed.TotalSeconds:0.0} s");
        var report = host.Reports[^1];
        Assert.Equal(upgrade.Sha256, report.GetProperty("release").GetString());
        Assert.Equal(TestSpecs.OtherRevision, report.GetProperty("revision").GetString());
        Assert.Equal(HostStatus.Applied, report.GetProperty("status").GetString());
        Assert.Matches("^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$", report.GetProperty("time").GetString());
        Assert.Contains(host.Calls, c => c.StartsWith($"aws ssm put-parameter --region eu-west-1 --name {ResourceNames.HostStatusParameter(host.Spec)} --type String --overwrite", StringComparison.Ordinal));
        Assert.Contains(host.Calls, c => c.Contains($"cloudwatch put-metric-data --region eu-west-1 --namespace {HostStatus.MetricNamespace} --metric-name {HostStatus.MetricName}", StringComparison.Ordinal)
            && c.Contains("--value 0", StringComparison.Ordinal));
        Assert.Equal(["start " + OldImage, "stop " + OldImage, "start " + NewImage], host.BackendEvents);
        Assert.Equal(NewImage, host.RunningBackend);
    }

    [Fact]
    public void A_denied_pull_leaves_the_old_backend_untouched_and_reports_failed()
    {
        using var host = NewHost(out var first);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var upgrade = PublishUpgrade(host);
        host.FailOn("pull");

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["start " + OldImage], host.BackendEvents);
        Assert.Equal(first.Sha256, host.AppliedHash);
        var report = host.Reports[^1];
        Assert.Equal(upgrade.Sha256, report.GetProperty("release").GetString());
        Assert.Equal(HostStatus.Failed, report.GetProperty("status").GetString());
        Assert.Contains("cannot pull the release's images", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(host.Calls, c => c.Contains("put-metric-data", StringComparison.Ordinal) && c.Contains("--value 1", StringComparison.Ordinal));

        // The same outcome again is not reported twice; the retry after the registry recovers is.
        Assert.NotEqual(0, host.RunRelease().ExitCode);
        Assert.Equal(2, host.Reports.Count);
        host.ClearFailures();
        Assert.Equal(0, host.RunRelease().ExitCode);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
    }

    [Fact]
    public void A_backend_that_never_turns_healthy_is_rolled_back_without_two_backends()
    {
        using var host = NewHost(out var first);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var oldFiles = HostRelease.Files(host.Spec, host.Aws).ToDictionary(f => f.Path, f => host.ReadConfig(f.Path));
        var upgrade = PublishUpgrade(host);
        host.MakeUnhealthy(NewImage);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Equal(["start " + OldImage, "stop " + OldImage, "start " + NewImage, "stop " + NewImage, "start " + OldImage], host.BackendEvents);
        AssertNeverTwoBackends(host);
        Assert.Equal(OldImage, host.RunningBackend);
        foreach (var (path, content) in oldFiles)
        {
            Assert.Equal(content, host.ReadConfig(path));
        }

        Assert.Equal($"INSTANCE_SECRET={TestSpecs.FakeInstanceSecret}\nPOSTGRES_URL={PostgresUrlValue}\n", host.ReadConfig("backend.secrets.env"));
        Assert.Equal(first.Sha256, host.AppliedHash);
        var report = host.Reports[^1];
        Assert.Equal(upgrade.Sha256, report.GetProperty("release").GetString());
        Assert.Equal(HostStatus.RolledBack, report.GetProperty("status").GetString());
        Assert.Contains($"did not answer /version within {host.Spec.Rollout.BackendHealthTimeoutSeconds}s", report.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains(host.Calls, c => c.StartsWith("docker-compose", StringComparison.Ordinal) && c.Contains("caddy reload", StringComparison.Ordinal));

        // A rolled-back release is not tried again (that would take the site down every run) until a new one arrives.
        var calls = host.Calls.Count;
        Assert.Equal(0, host.RunRelease().ExitCode);
        Assert.Single(host.Calls.Skip(calls));
        Assert.Equal(OldImage, host.RunningBackend);
    }

    [Fact]
    public void A_reboot_in_the_middle_of_a_rollback_finishes_it_on_the_next_run()
    {
        using var host = NewHost(out var first);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var upgrade = PublishUpgrade(host);
        host.MakeUnhealthy(NewImage);
        host.CrashOnUp(2); // the first up starts the new release; the second is the rollback's

        var crashed = host.RunRelease();

        Assert.Equal(137, crashed.ExitCode);
        Assert.True(host.StateFileExists("rollback"), "the rollback must be marked on disk before it starts");
        // The rollback stopped the failed backend before it started the previous one, and crashed in between.
        Assert.Null(host.RunningBackend);

        var resumed = host.RunRelease(); // what convex-release.timer (OnBootSec) does after the reboot

        Assert.NotEqual(0, resumed.ExitCode);
        Assert.Contains("resuming the interrupted rollback", resumed.Stderr, StringComparison.Ordinal);
        Assert.Equal(OldImage, host.RunningBackend);
        Assert.Equal(first.Sha256, host.AppliedHash);
        Assert.False(host.StateFileExists("rollback"));
        AssertNeverTwoBackends(host);
        Assert.Equal(HostStatus.RolledBack, host.Reports[^1].GetProperty("status").GetString());
        Assert.Equal(upgrade.Sha256, host.Reports[^1].GetProperty("release").GetString());
        Assert.Contains(TestSpecs.Revision, host.ReadConfig("docker-compose.yml"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_reboot_while_the_new_backend_starts_resumes_the_wait_and_applies()
    {
        using var host = NewHost(out _);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var upgrade = PublishUpgrade(host);
        host.CrashOnUp(1);

        Assert.Equal(137, host.RunRelease().ExitCode);
        Assert.True(host.StateFileExists("switching"));

        var resumed = host.RunRelease();

        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Equal(upgrade.Sha256, host.AppliedHash);
        Assert.Equal(NewImage, host.RunningBackend);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
        AssertNeverTwoBackends(host);
    }

    [Fact]
    public void A_first_release_that_never_turns_healthy_reports_failed_and_is_retried()
    {
        using var host = NewHost(out var bundle);
        host.MakeUnhealthy(OldImage);

        Assert.NotEqual(0, host.RunRelease().ExitCode);

        Assert.Null(host.AppliedHash);
        Assert.Equal(HostStatus.Failed, host.Reports[^1].GetProperty("status").GetString());
        Assert.Contains("no previous release", host.Reports[^1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.False(host.StateFileExists("rejected.sha256"));
        Assert.Contains(host.Calls, c => c == $"sleep {30}");
        Assert.Equal(bundle.Sha256, host.Reports[^1].GetProperty("release").GetString());
    }

    [Fact]
    public void A_script_update_arrives_with_a_release_and_the_new_script_applies_it()
    {
        using var host = NewHost(out _);
        Assert.Equal(0, host.RunRelease().ExitCode);
        var userData = HostBootstrap.UserData(host.Spec, host.Aws.Region);
        var files = HostTooling.Files(host.Spec)
            .Select(f => f.Path == HostLayout.ReleaseScriptPath
                ? f with { Content = f.Content.Replace("log \"applying release", "log \"script v2 at work\"\nlog \"applying release", StringComparison.Ordinal) }
                : f)
            .ToList();
        var tooling = HostTooling.Render(host.Spec, files);
        var release = host.Publish(host.Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue, tooling);

        var result = host.RunRelease();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(files.Single(f => f.Path == HostLayout.ReleaseScriptPath).Content, host.ReadRooted(HostLayout.ReleaseScriptPath));
        Assert.Contains("script v2 at work", result.Stderr, StringComparison.Ordinal);
        Assert.True(result.Stderr.IndexOf("installing host tooling", StringComparison.Ordinal) < result.Stderr.IndexOf("script v2 at work", StringComparison.Ordinal));
        Assert.Contains(host.Calls, c => c == "systemctl daemon-reload");
        Assert.Contains(host.Calls, c => c.StartsWith("dnf install -y docker jq dnf-automatic", StringComparison.Ordinal));
        Assert.Equal(release.Sha256, host.AppliedHash);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
        Assert.Equal(tooling.InstalledId + "\n", host.ReadRooted("/var/lib/convex/tooling.sha256"));
        Assert.Equal(userData, HostBootstrap.UserData(host.Spec, host.Aws.Region));
    }

    [Fact]
    public void Tooling_that_does_not_match_the_release_is_refused()
    {
        using var host = NewHost(out _);
        var other = HostTooling.Render(host.Spec, HostTooling.Files(host.Spec).Select(f => f with { Content = f.Content + "# changed\n" }).ToList());
        host.Publish(host.Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue, other);
        host.SetParameter(ResourceNames.HostToolingParameter(host.Spec), HostTooling.Render(host.Spec).ParameterValue);

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("does not match the release", host.Reports[^1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Calls, c => c.Contains(" up ", StringComparison.Ordinal));
    }

    [Fact]
    public void Bootstrap_on_a_fresh_host_installs_the_tooling_and_applies_the_release()
    {
        using var host = NewHost(out var bundle, toolingInstalled: false);

        var result = host.RunBootstrap();

        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var file in HostTooling.Files(host.Spec))
        {
            Assert.Equal(file.Content, host.ReadRooted(file.Path));
        }

        Assert.Equal("latest\n", host.ReadRooted("/etc/dnf/vars/releasever"));
        Assert.Contains(host.Calls, c => c == "systemctl enable --now convex-release.timer dnf-automatic.timer");
        // The pinned CloudWatch agent is installed and started with the tooling's backend-metrics configuration.
        Assert.Contains(host.Calls, c => c == $"dnf install -y docker jq dnf-automatic {HostLayout.CloudWatchAgentPackage}");
        Assert.Contains(host.Calls, c => c == $"amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:{ConvexInfra.Core.Ops.CloudWatchAgentConfig.HostAgentConfigPath}");
        Assert.Equal(ConvexInfra.Core.Ops.CloudWatchAgentConfig.AgentJson(host.Spec, ConvexInfra.Core.Ops.CloudWatchAgentConfig.HostPrometheusConfigPath),
            host.ReadRooted(ConvexInfra.Core.Ops.CloudWatchAgentConfig.HostAgentConfigPath));
        Assert.Equal(ConvexInfra.Core.Ops.CloudWatchAgentConfig.PrometheusYaml(host.Spec), host.ReadRooted(ConvexInfra.Core.Ops.CloudWatchAgentConfig.HostPrometheusConfigPath));
        var calls = host.Calls.ToList();
        Assert.True(calls.FindIndex(c => c.StartsWith("dnf install", StringComparison.Ordinal)) < calls.FindIndex(c => c.StartsWith("amazon-cloudwatch-agent-ctl", StringComparison.Ordinal)));
        Assert.Equal(bundle.Sha256, host.AppliedHash);
        Assert.Equal(HostStatus.Applied, host.Reports[^1].GetProperty("status").GetString());
    }

    [Fact]
    public void Bootstrap_fails_so_that_systemd_retries_while_there_is_no_release()
    {
        using var host = new FakeHost(TestSpecs.Ec2Prod, TestSpecs.RequireAws(TestSpecs.Ec2Prod), toolingInstalled: false);

        var result = host.RunBootstrap();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no release", result.Stderr, StringComparison.Ordinal);
    }
}
