using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Verify;

/// <summary>One round of verify's checks against a stack's outputs, as restore runs it after an import.</summary>
internal static class VerifyOnce
{
    public static async Task<bool> RunAsync(StackOutputs outputs, string adminKey, CliConsole console, CancellationToken cancellationToken)
    {
        var target = new VerifyTarget(outputs.ApiUrl, outputs.SiteUrl, outputs.DashboardUrl, adminKey, null, outputs.InstanceName, 80);
        using var trust = TrustPolicy.System();
        using var probes = new Probes(trust, TimeSpan.FromSeconds(10));
        var results = await LiveChecks.RunAsync(target, probes, DateTimeOffset.UtcNow, cancellationToken);
        await console.Out.WriteAsync(VerifyReport.Text(results));
        return VerifyReport.Healthy(results);
    }
}
