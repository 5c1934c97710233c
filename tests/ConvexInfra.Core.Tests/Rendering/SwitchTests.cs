using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Tools;
using Xunit.Abstractions;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// An EC2 upgrade through the real Caddy on loopback, the real convex-release and backends that take seconds to start:
/// the old backend stops before the new one starts (never two), Caddy holds what arrives in between, and a request
/// sent while no backend runs completes on the new backend once it listens.
/// </summary>
public class SwitchTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_request_held_during_the_switch_completes_on_the_new_backend_once_it_listens()
    {
        using var rig = new SwitchRig(oldStart: TimeSpan.FromMilliseconds(200), newStart: TimeSpan.FromSeconds(3));
        await rig.ApplyFirstAsync();
        await using var load = new SwitchLoad(rig.HttpsPort, rig.ApiHostname, rig.Backends.Clock, workers: 2);
        load.Start();
        await Task.Delay(500);

        var upgrade = rig.PublishUpgrade();
        var switching = Task.Run(() => rig.Host.RunRelease(ReleaseScript.HealthPollSeconds));
        await rig.Backends.WaitForAsync("stopped " + SwitchRig.OldImage, TimeSpan.FromSeconds(60));
        var held = await load.OneAsync("/held");
        var result = await switching;
        var report = await load.StopAsync();
        output.WriteLine(report.Summary);
        output.WriteLine(string.Join("\n", rig.Backends.Timeline.Select(e => $"{e.At.TotalSeconds,7:0.00} {e.Event}")));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(upgrade.Sha256, rig.Host.AppliedHash);
        var listening = rig.Backends.When("listening " + SwitchRig.NewImage)!.Value;
        Assert.True(held.Status == 200, held.Body + "\n" + rig.Caddy.Log);
        Assert.StartsWith(SwitchRig.NewImage + " /held", held.Body, StringComparison.Ordinal);
        Assert.True(held.Start < listening && held.End >= listening, $"held {held.Start}–{held.End}, new backend listening at {listening}");

        // Never two backends: the old one had stopped before the new one started.
        var events = rig.Backends.Timeline.Select(e => e.Event).ToList();
        Assert.DoesNotContain("TWO BACKENDS", events);
        Assert.True(events.IndexOf("stopped " + SwitchRig.OldImage) < events.IndexOf("start " + SwitchRig.NewImage), string.Join(", ", events));
        Assert.Equal(0, report.Failed);
        Assert.InRange(report.LongestRequest.TotalSeconds, 0, 15);
    }
}
