using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using static ConvexInfra.Core.Tests.Rendering.HostScenario;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// convex-release killed at every step of a switch (a reboot), then run again as the timer does after boot: the host
/// finishes the switch or rolls back, and reports 'applied' only when exactly the release's files, images and secret
/// versions run.
/// </summary>
public class HostResumeTests
{
    private const string StateDir = "/var/lib/convex/";
    private const string ConfigDir = "/etc/convex/";

    /// <summary>Where the run dies; the fakes kill convex-release right there.</summary>
    public static TheoryData<string> CrashPoints =>
    [
        "before the switching marker",
        "after the switching marker",
        "after " + HostLayout.ComposeFileName,
        "after " + HostLayout.CaddyfileName,
        "after " + HostLayout.BackendEnvName,
        "after " + HostLayout.BackendSecretsEnvName,
        "inside the first docker-compose up",
        "inside the second docker-compose up",
        "after the applied hash",
    ];

    private static void CrashAt(FakeHost host, string point)
    {
        switch (point)
        {
            case "before the switching marker":
                host.CrashBeforeMoveTo(StateDir + "switching");
                break;
            case "after the switching marker":
                host.CrashAfterMoveTo(StateDir + "switching");
                break;
            case "inside the first docker-compose up":
                host.CrashOnUp(1);
                break;
            case "inside the second docker-compose up":
                host.CrashOnUp(2);
                break;
            case "after the applied hash":
                host.CrashAfterMoveTo(StateDir + "applied.sha256");
                break;
            default:
                host.CrashAfterMoveTo(ConfigDir + point["after ".Length..]);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public void A_crash_at_any_step_of_the_switch_ends_in_exactly_the_new_release_after_the_reboot(string point)
    {
        using var host = Applied(out _);
        var upgrade = PublishUpgrade(host);
        CrashAt(host, point);

        var crashed = host.RunRelease();

        Assert.True(crashed.ExitCode == 137, $"the run was not killed at '{point}':\n{crashed.Output}");
        Assert.DoesNotContain(host.Reports, r => r.GetProperty("release").GetString() == upgrade.Sha256);
        // While a switch may need them, the copies of the secrets are root-only.
        Assert.All(SecretHolders(host), f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FakeHost.ModeOfFile(f)));

        var resumed = host.RunRelease();

        Assert.True(resumed.ExitCode == 0, resumed.Output);
        Assert.Equal(upgrade.Sha256, host.AppliedHash);
        AssertLastReport(host, upgrade, HostStatus.Applied);
        AssertRuns(host, Upgraded(host), RotatedInstanceSecret);
        AssertNothingLeftBehind(host);
        AssertNeverTwoBackends(host);
    }

    [Fact]
    public void A_switch_whose_staged_files_are_gone_is_rolled_back_and_retried()
    {
        using var host = Applied(out var first);
        var upgrade = PublishUpgrade(host);
        host.CrashAfterMoveTo(StateDir + "switching");
        Assert.Equal(137, host.RunRelease().ExitCode);
        Directory.Delete(Path.Combine(host.StateDir, "staged"), recursive: true);

        var resumed = host.RunRelease();

        Assert.NotEqual(0, resumed.ExitCode);
        AssertLastReport(host, upgrade, HostStatus.RolledBack, "its staged files are gone");
        Assert.Equal(first.Sha256, host.AppliedHash);
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
        AssertNothingLeftBehind(host);

        // The host, not the release, failed: the next run applies it.
        Assert.Equal(0, host.RunRelease().ExitCode);
        AssertLastReport(host, upgrade, HostStatus.Applied);
        AssertRuns(host, Upgraded(host), RotatedInstanceSecret);
    }

    [Fact]
    public void A_service_compose_did_not_recreate_is_not_reported_applied()
    {
        using var host = Applied(out var first);
        var upgrade = PublishUpgrade(host);
        host.KeepRunning("dashboard");

        var result = host.RunRelease();

        Assert.NotEqual(0, result.ExitCode);
        AssertLastReport(host, upgrade, HostStatus.RolledBack,
            $"compose runs {host.Spec.DashboardImage} for dashboard instead of {Upgraded(host).DashboardImage}");
        Assert.Equal(first.Sha256, host.AppliedHash);
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
        AssertNothingLeftBehind(host);
    }

    [Fact]
    public void A_reboot_in_the_middle_of_a_rollback_leaves_no_copy_of_the_secrets()
    {
        using var host = Applied(out var first);
        var upgrade = PublishUpgrade(host);
        host.MakeUnhealthy(Upgraded(host).BackendImage);
        host.CrashOnUp(2); // the first up starts release 2; the second is the rollback's

        Assert.Equal(137, host.RunRelease().ExitCode);
        Assert.True(host.StateFileExists("rollback"));
        var resumed = host.RunRelease();

        Assert.NotEqual(0, resumed.ExitCode);
        AssertLastReport(host, upgrade, HostStatus.RolledBack);
        Assert.Equal(first.Sha256, host.AppliedHash);
        AssertRuns(host, host.Spec, TestSpecs.FakeInstanceSecret);
        AssertNothingLeftBehind(host);
    }
}
