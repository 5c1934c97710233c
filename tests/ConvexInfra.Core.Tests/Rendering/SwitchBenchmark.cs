using System.Globalization;
using System.Text;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Tools;
using Xunit.Abstractions;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// The EC2 switch benchmark (issue 22), not part of the test run: <c>scripts/bench-switch.sh</c> runs it. It applies a
/// first release, streams requests and a websocket through the real Caddy, upgrades, keeps streaming for two seconds
/// after convex-release reports, and writes what clients saw (<c>CONVEX_BENCH_OUTPUT</c>). The new backend's start time
/// is <c>CONVEX_BENCH_START_SECONDS</c> (default 5).
/// </summary>
public class SwitchBenchmark(ITestOutputHelper output)
{
    [BenchmarkFact]
    public async Task Upgrade_under_load()
    {
        var start = double.Parse(Environment.GetEnvironmentVariable("CONVEX_BENCH_START_SECONDS") ?? "5", CultureInfo.InvariantCulture);
        using var rig = new SwitchRig(oldStart: TimeSpan.FromSeconds(start), newStart: TimeSpan.FromSeconds(start));
        await rig.ApplyFirstAsync();
        await using var load = new SwitchLoad(rig.HttpsPort, rig.ApiHostname, rig.Backends.Clock);
        load.Start();
        await Task.Delay(2000);

        rig.PublishUpgrade();
        var written = rig.Backends.Clock.Elapsed;
        var result = await Task.Run(() => rig.Host.RunRelease(ReleaseScript.HealthPollSeconds));
        var applied = rig.Backends.Clock.Elapsed;
        await Task.Delay(2000);
        var report = await load.StopAsync();

        Assert.True(result.ExitCode == 0, result.Output);
        var stopped = rig.Backends.When("stop " + SwitchRig.OldImage)!.Value;
        var listening = rig.Backends.When("listening " + SwitchRig.NewImage)!.Value;
        var text = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"backend start time: {start:0.#} s (both backends)")
            .AppendLine(CultureInfo.InvariantCulture, $"release written → applied: {(applied - written).TotalSeconds:0.0} s")
            .AppendLine(CultureInfo.InvariantCulture, $"gap (old backend stopping → new backend listening): {(listening - stopped).TotalSeconds:0.0} s")
            .AppendLine(CultureInfo.InvariantCulture, $"requests: {report.Requests}, failed: {report.Failed}, longest: {report.LongestRequest.TotalSeconds:0.0} s")
            .AppendLine(CultureInfo.InvariantCulture, $"websocket: {report.WebsocketDrops} drop(s), longest outage {report.LongestWebsocketOutage.TotalSeconds:0.0} s, {report.WebsocketEchoes} echoes")
            .AppendLine(CultureInfo.InvariantCulture, $"two backends at once: {(rig.Backends.Timeline.Any(e => e.Event == "TWO BACKENDS") ? "yes" : "never")}")
            .ToString();
        output.WriteLine(text);
        if (Environment.GetEnvironmentVariable("CONVEX_BENCH_OUTPUT") is { Length: > 0 } file)
        {
            File.WriteAllText(file, text);
        }
    }
}

/// <summary>A fact that runs only when <c>CONVEX_INFRA_BENCH=1</c> (scripts/bench-switch.sh): benchmarks are not tests.</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CONVEX_INFRA_BENCH") != "1")
        {
            Skip = "a benchmark, not a test: run scripts/bench-switch.sh";
        }
    }
}
