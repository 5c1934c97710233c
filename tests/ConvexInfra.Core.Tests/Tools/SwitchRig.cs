using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Tools;

/// <summary>
/// A release switch for real on loopback: the sandboxed host (<see cref="FakeHost"/>, the real convex-release, real
/// sleep), backends that take a given time to start (<see cref="LiveBackends"/>), and the real Caddy running the
/// rendered Caddyfile with the backend and dashboard pointed at loopback.
/// </summary>
public sealed class SwitchRig : IDisposable
{
    public static readonly string PostgresUrlValue =
        PostgresUrl.Build("convex", TestSpecs.FakeDbPassword, "acme.c9akciq32xyz.eu-west-1.rds.amazonaws.com", 5432);

    private readonly FakeUpstream _dashboard = new();

    public SwitchRig(TimeSpan oldStart, TimeSpan newStart)
    {
        Spec = TestSpecs.Ec2Prod;
        Host = new FakeHost(Spec, TestSpecs.RequireAws(Spec));
        Host.UseRealSleep();
        Backends = new LiveBackends(Host, image => image == NewImage ? newStart : oldStart);
        HttpsPort = RealCaddy.FreePort();
        Caddy = RealCaddy.Start(RealCaddy.OnLoopback(Caddyfile.Render(Spec), Backends.Port, _dashboard.Port, RealCaddy.FreePort(), HttpsPort), HttpsPort);
    }

    public static string OldImage => TestSpecs.Ec2Prod.BackendImage;

    public static string NewImage => (TestSpecs.Ec2Prod with { ImageRevision = TestSpecs.OtherRevision }).BackendImage;

    public DeploymentSpec Spec { get; }

    public FakeHost Host { get; }

    public LiveBackends Backends { get; }

    public RealCaddy Caddy { get; }

    public int HttpsPort { get; }

    public string ApiHostname => Spec.Endpoints.ApiHostname;

    /// <summary>Publishes and applies the first release (old image); returns once its backend listens.</summary>
    public async Task ApplyFirstAsync()
    {
        Host.Publish(Spec, TestSpecs.FakeInstanceSecret, PostgresUrlValue);
        var result = Host.RunRelease(ReleaseScript.HealthPollSeconds);
        Assert.True(result.ExitCode == 0, result.Output);
        await Backends.WaitForAsync("listening " + OldImage, TimeSpan.FromSeconds(30));
    }

    /// <summary>Release 2: the new image revision.</summary>
    public HostReleaseBundle PublishUpgrade() =>
        Host.Publish(Spec with { ImageRevision = TestSpecs.OtherRevision }, TestSpecs.FakeInstanceSecret, PostgresUrlValue);

    public void Dispose()
    {
        Caddy.Dispose();
        Backends.Dispose();
        _dashboard.Dispose();
        Host.Dispose();
    }
}
