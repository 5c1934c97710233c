using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// A prod EC2 host in the sandbox (<see cref="FakeHost"/>) running release 1, and what "the host reports the truth"
/// means after an upgrade to release 2: exactly its files, images and secret versions run, nothing else is left.
/// </summary>
internal static class HostScenario
{
    public static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    /// <summary>The instance secret of release 2 (rotated: a new SSM version).</summary>
    public const string RotatedInstanceSecret = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static FakeHost Applied(out HostReleaseBundle first)
    {
        var spec = TestSpecs.Ec2Prod;
        var host = new FakeHost(spec, TestSpecs.RequireAws(spec));
        first = host.Publish(spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var result = host.RunRelease();
        Assert.True(result.ExitCode == 0, result.Output);
        return host;
    }

    public static DeploymentSpec Upgraded(FakeHost host) => host.Spec with { ImageRevision = TestSpecs.OtherRevision };

    /// <summary>Release 2: a new image revision and a rotated instance secret.</summary>
    public static HostReleaseBundle PublishUpgrade(FakeHost host) => host.Publish(Upgraded(host), RotatedInstanceSecret, PostgresUrlValue);

    public static string SecretsFile(string instanceSecret) => $"INSTANCE_SECRET={instanceSecret}\nPOSTGRES_URL={PostgresUrlValue}\n";

    /// <summary>/etc/convex holds exactly the files of <paramref name="spec"/>'s release and these secrets, and compose runs its images.</summary>
    public static void AssertRuns(FakeHost host, DeploymentSpec spec, string instanceSecret)
    {
        foreach (var file in HostRelease.Files(spec, host.Aws))
        {
            Assert.Equal(file.Content, host.ReadConfig(file.Path));
        }

        Assert.Equal(SecretsFile(instanceSecret), host.ReadConfig(HostLayout.BackendSecretsEnvName));
        Assert.Equal(spec.BackendImage, host.RunningImage("backend"));
        Assert.Equal(spec.DashboardImage, host.RunningImage("dashboard"));
        Assert.Equal(HostLayout.CaddyImage, host.RunningImage("caddy"));
    }

    /// <summary>No stage, staged or previous directory is left, and the secrets are only in /etc/convex.</summary>
    public static void AssertNothingLeftBehind(FakeHost host)
    {
        Assert.DoesNotContain(host.StateDirectories, d => d.StartsWith("stage", StringComparison.Ordinal) || d.StartsWith("previous", StringComparison.Ordinal));
        Assert.Equal([Path.Combine(host.ConfigDir, HostLayout.BackendSecretsEnvName)], SecretHolders(host));
    }

    /// <summary>Every file below the host's root (not the fake SSM store) holding one of the stack's secrets.</summary>
    public static IReadOnlyList<string> SecretHolders(FakeHost host) =>
        host.AllFilesBelowRoot()
            .Where(f => f.StartsWith(host.Root + "/", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text
                && (text.Contains(TestSpecs.FakeInstanceSecret, StringComparison.Ordinal) || text.Contains(RotatedInstanceSecret, StringComparison.Ordinal)
                    || text.Contains(PostgresUrlValue, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static void AssertNeverTwoBackends(FakeHost host)
    {
        Assert.DoesNotContain("TWO BACKENDS", host.BackendEvents);
        var running = 0;
        foreach (var change in host.BackendEvents)
        {
            running += change.StartsWith("start ", StringComparison.Ordinal) ? 1 : change.StartsWith("stop ", StringComparison.Ordinal) ? -1 : 0;
            Assert.InRange(running, 0, 1);
        }
    }

    public static void AssertLastReport(FakeHost host, HostReleaseBundle release, string status, string? reasonPart = null)
    {
        var report = host.Reports[^1];
        Assert.Equal(release.Sha256, report.GetProperty("release").GetString());
        Assert.Equal(status, report.GetProperty("status").GetString());
        if (reasonPart is not null)
        {
            Assert.Contains(reasonPart, report.GetProperty("reason").GetString(), StringComparison.Ordinal);
        }
    }
}
