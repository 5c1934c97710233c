using System.Diagnostics;
using System.Globalization;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Rollout;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using Xunit.Abstractions;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// Serving sooner (issue 22) in the host sandbox: convex-bootstrap pre-pulls the pinned images while no release exists
/// and picks the first release up seconds after its write; on an upgrade, pulumi up's wait step (the real script, with
/// no jq on its PATH) sends the stack's Run Command document, the fake SSM agent runs its command, systemd starts the
/// real convex-release, and the wait ends with 'applied' seconds after the write.
/// </summary>
public class ImmediateApplyTests(ITestOutputHelper output)
{
    private static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private static FakeHost FreshHost()
    {
        var spec = TestSpecs.Ec2Prod;
        var host = new FakeHost(spec, TestSpecs.RequireAws(spec), toolingInstalled: false);
        // What Ec2Host creates before the instance: the images parameter (the release needs the database).
        host.SetParameter(ResourceNames.HostImagesParameter(spec), HostImages.ParameterValue(spec));
        return host;
    }

    [Fact]
    public void The_images_parameter_names_exactly_the_compose_files_images()
    {
        var spec = TestSpecs.Ec2Prod;
        var compose = ComposeFile.Render(spec, TestSpecs.RequireAws(spec));
        var images = compose.Split('\n').Where(l => l.StartsWith("    image: ", StringComparison.Ordinal))
            .Select(l => l["    image: ".Length..].Trim('"')).Distinct().ToList(); // the metrics relay runs on the backend's image

        Assert.Equal(images, HostImages.For(spec));
        Assert.Contains(TestSpecs.Revision, HostImages.ParameterValue(spec), StringComparison.Ordinal);
        Assert.Contains($"CONVEX_IMAGES_PARAMETER={ResourceNames.HostImagesParameter(spec)}\n",
            HostBootstrap.Files(spec, "eu-west-1").Single(f => f.Path == HostLayout.HostEnvPath).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void Bootstrap_pre_pulls_the_pinned_images_before_the_release_exists_and_the_first_release_pulls_nothing()
    {
        using var host = FreshHost();

        var waiting = host.RunBootstrap();

        Assert.NotEqual(0, waiting.ExitCode);
        Assert.Contains("no release", waiting.Stderr, StringComparison.Ordinal);
        var pulls = host.Calls.Where(c => c.StartsWith("docker pull", StringComparison.Ordinal)).ToList();
        Assert.Equal(HostImages.For(host.Spec).Select(i => $"docker pull -q {i}"), pulls);
        Assert.Contains("systemctl start docker", host.Calls);
        // Nothing secret was read: only the images and the (absent) release parameter.
        Assert.DoesNotContain(host.Calls, c => c.Contains("--with-decryption", StringComparison.Ordinal));
        Assert.Equal(string.Concat(HostImages.For(host.Spec).Select(i => i + "\n")), File.ReadAllText(Path.Combine(host.StateDir, "prepulled")));

        // A second boot before the release: no second pull.
        Assert.NotEqual(0, host.RunBootstrap().ExitCode);
        Assert.Equal(pulls.Count, host.Calls.Count(c => c.StartsWith("docker pull", StringComparison.Ordinal)));

        var release = host.Publish(host.Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var before = host.Calls.Count;
        var applied = host.RunBootstrap();

        Assert.True(applied.ExitCode == 0, applied.Output);
        Assert.Equal(release.Sha256, host.AppliedHash);
        Assert.DoesNotContain(host.Calls.Skip(before), c => c.StartsWith("docker pull", StringComparison.Ordinal) || c.Contains(" pull ", StringComparison.Ordinal));
        Assert.All(HostImages.For(host.Spec), image => Assert.Contains($"docker image inspect {image}", host.Calls.Skip(before)));
    }

    [Fact]
    public void A_failed_pre_pull_is_only_a_later_pull()
    {
        using var host = FreshHost();
        host.FailOn("pull");

        Assert.NotEqual(0, host.RunBootstrap().ExitCode);
        Assert.False(File.Exists(Path.Combine(host.StateDir, "prepulled")));

        host.ClearFailures();
        var release = host.Publish(host.Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        Assert.Equal(0, host.RunBootstrap().ExitCode);
        Assert.Equal(release.Sha256, host.AppliedHash);
    }

    [Fact]
    public async Task The_first_release_is_applied_seconds_after_it_is_written()
    {
        using var host = FreshHost();
        host.UseRealSleep();
        Assert.NotEqual(0, host.RunBootstrap().ExitCode); // boot: pre-pull, no release yet

        // The bootstrap unit looks for the release every 2 s (production) while the database is created.
        var bootstrap = Task.Run(() => host.RunBootstrap(new Dictionary<string, string>
        {
            ["CONVEX_BOOTSTRAP_WAIT_SECONDS"] = "120",
            ["CONVEX_HEALTH_POLL_SECONDS"] = "1",
        }));
        await Task.Delay(3000);
        var clock = Stopwatch.StartNew();
        var release = host.Publish(host.Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var tooling = $"--name {ResourceNames.HostToolingParameter(host.Spec)} ";
        var pickedUp = TimeSpan.Zero;
        while (!bootstrap.IsCompleted)
        {
            if (pickedUp == TimeSpan.Zero && host.Calls.Any(c => c.Contains(tooling, StringComparison.Ordinal)))
            {
                pickedUp = clock.Elapsed; // it read the release and goes on to the tooling the release names
            }

            await Task.Delay(50);
        }

        var result = await bootstrap;
        var reported = WhenApplied(host, release.Sha256, clock);

        Assert.True(result.ExitCode == 0, result.Output);
        output.WriteLine($"first release: picked up {pickedUp.TotalSeconds:0.0} s and applied {reported.TotalSeconds:0.0} s after the write (fakes; pre-pulled images)");
        // Picked up within one 2 s poll (plus an AWS CLI call); applied within the 20 s target, with room
        // for a 2-core machine shared by several test runs (the fakes' own work took 5–10 s when it was idle).
        Assert.InRange(pickedUp.TotalSeconds, 0.01, 5);
        Assert.InRange(reported.TotalSeconds, 0, 40);
    }

    [Fact]
    public void An_upgrade_is_applied_seconds_after_pulumi_up_writes_it_through_run_command_without_jq()
    {
        using var host = FreshHost();
        host.Publish(host.Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        Assert.Equal(0, host.RunBootstrap().ExitCode);
        host.UseRealSleep();
        host.AcceptRunCommand(ApplyReleaseDocument.Content());
        using var tools = new TempDir();
        var noJq = Path.GetDirectoryName(tools.Write("bin/jq", "#!/bin/sh\necho 'jq is not installed here' >&2\nexit 127\n", (UnixFileMode)Convert.ToInt32("755", 8)))!;
        var wait = tools.Write("wait.sh", HostReportWait.Script());

        var clock = Stopwatch.StartNew();
        var upgrade = host.Publish(host.Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var result = host.RunOutside(wait, new Dictionary<string, string>
        {
            ["REGION"] = "eu-west-1",
            ["STATUS_PARAMETER"] = ResourceNames.HostStatusParameter(host.Spec),
            ["RELEASE_SHA256"] = upgrade.Sha256,
            ["DEADLINE_SECONDS"] = "120",
            ["INSTANCE_ID"] = "i-0123456789abcdef0",
            ["DOCUMENT_NAME"] = ApplyReleaseDocument.Name(host.Spec),
            ["POLL_SECONDS"] = "1",
        }, pathFirst: noJq);
        clock.Stop();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains($"release {upgrade.Sha256} applied", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("asked the host to apply it now", result.Stdout, StringComparison.Ordinal);
        Assert.Contains(host.Calls, c => c.StartsWith(
            $"aws ssm send-command --region eu-west-1 --instance-ids i-0123456789abcdef0 --document-name {ApplyReleaseDocument.Name(host.Spec)} ", StringComparison.Ordinal));
        Assert.Contains(ApplyReleaseDocument.Command, host.Calls);
        Assert.Equal(upgrade.Sha256, host.AppliedHash);
        output.WriteLine($"upgrade: pulumi up's wait ended {clock.Elapsed.TotalSeconds:0.0} s after the write (fakes)");
        Assert.InRange(clock.Elapsed.TotalSeconds, 0, 20);
    }

    [Fact]
    public void The_document_runs_one_fixed_command_and_takes_no_parameters()
    {
        var document = System.Text.Json.JsonDocument.Parse(ApplyReleaseDocument.Content()).RootElement;

        Assert.Equal("2.2", document.GetProperty("schemaVersion").GetString());
        Assert.False(document.TryGetProperty("parameters", out _));
        var step = Assert.Single(document.GetProperty("mainSteps").EnumerateArray());
        Assert.Equal("aws:runShellScript", step.GetProperty("action").GetString());
        Assert.Equal([ApplyReleaseDocument.Command], step.GetProperty("inputs").GetProperty("runCommand").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal("systemctl start --no-block convex-release.service", ApplyReleaseDocument.Command);
        Assert.Matches("^[A-Za-z0-9_.-]{3,128}$", ApplyReleaseDocument.Name(TestSpecs.Ec2Prod));
    }

    /// <summary>How long after the clock started the host's applied report for <paramref name="release"/> was written.</summary>
    private static TimeSpan WhenApplied(FakeHost host, string release, Stopwatch clock)
    {
        var report = host.Reports.Last(r => r.GetProperty("release").GetString() == release);
        Assert.Equal(HostStatus.Applied, report.GetProperty("status").GetString());
        var written = File.GetLastWriteTimeUtc(Path.Combine(host.FakeDir, "status.log"));
        return clock.Elapsed - (DateTime.UtcNow - written);
    }
}
