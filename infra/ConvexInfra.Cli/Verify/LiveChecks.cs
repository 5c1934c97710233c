using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Verify;

/// <summary>What verify checks: the three public URLs, the key and the name they should answer with.</summary>
public sealed record VerifyTarget(Uri ApiUrl, Uri? SiteUrl, Uri? DashboardUrl, string? AdminKey, string? AdminKeyUnavailableReason, string? InstanceName, int HttpPort)
{
    /// <summary><c>--expect-function</c>: a function that must be deployed; null to require only some function.</summary>
    public string? ExpectFunction { get; init; }

    /// <summary><c>--allow-no-functions</c>: an empty backend warns instead of failing (a stack whose app is not deployed yet).</summary>
    public bool AllowNoFunctions { get; init; }

    // The admin key must never reach a log through this record.
    public override string ToString() => $"VerifyTarget({ApiUrl}, {SiteUrl}, {DashboardUrl}, key {(AdminKey is null ? "none" : "given")}, {InstanceName})";
}

/// <summary>Runs every check once, in report order, and returns one result per line of the report.</summary>
public static class LiveChecks
{
    public static async Task<IReadOnlyList<CheckResult>> RunAsync(VerifyTarget target, Probes probes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var api = StackOutputs.UrlText(target.ApiUrl);
        var results = new List<CheckResult>
        {
            BackendChecks.CheckVersion(await probes.GetAsync(api + "/version", null, cancellationToken)),
        };

        var nameSeen = await probes.GetAsync(api + "/instance_name", null, cancellationToken);
        results.Add(BackendChecks.CheckInstanceName(nameSeen, target.InstanceName));
        var deploymentName = nameSeen.Status == 200 ? nameSeen.Body.Trim() : target.InstanceName;

        var keySeen = target.AdminKey is null
            ? null
            : await probes.GetAsync(api + "/api/check_admin_key", "Convex " + target.AdminKey, cancellationToken);
        results.Add(BackendChecks.CheckAdminKey(keySeen, target.AdminKey, target.AdminKeyUnavailableReason, deploymentName));

        var functionsSeen = target.AdminKey is null
            ? null
            : await probes.PostJsonAsync(api + FunctionChecks.QueryPath, FunctionChecks.RequestBody(), "Convex " + target.AdminKey, cancellationToken);
        var functions = FunctionChecks.Check(functionsSeen, target.AdminKey, target.AdminKeyUnavailableReason, target.ExpectFunction);
        results.Add(target.AllowNoFunctions ? FunctionChecks.AllowNoneDeployed(functions) : functions);

        var socketUrl = (target.ApiUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws") + api[target.ApiUrl.Scheme.Length..] + BackendChecks.SyncPath;
        results.Add(BackendChecks.CheckWebsocket(await probes.WebsocketAsync(socketUrl, cancellationToken)));

        results.Add(target.SiteUrl is null
            ? CheckResult.Skip(EdgeChecks.HttpActions, "no site URL given (--site-url or siteUrl in the outputs)")
            : EdgeChecks.CheckHttpActions(await probes.GetAsync(StackOutputs.UrlText(target.SiteUrl) + "/", null, cancellationToken)));

        results.Add(target.DashboardUrl is null
            ? CheckResult.Skip(EdgeChecks.Dashboard, "no dashboard URL given (--dashboard-url or dashboardUrl in the outputs)")
            : EdgeChecks.CheckDashboard(await probes.GetAsync(StackOutputs.UrlText(target.DashboardUrl) + "/", null, cancellationToken)));

        var urls = new[] { target.ApiUrl, target.SiteUrl, target.DashboardUrl }.OfType<Uri>()
            .DistinctBy(u => (u.Scheme, u.Host.ToLowerInvariant(), u.Port))
            .ToList();
        foreach (var url in urls)
        {
            results.Add(url.Scheme == Uri.UriSchemeHttps
                ? EdgeChecks.CheckTls(await probes.TlsAsync(url.DnsSafeHost, url.Port, cancellationToken), now)
                : CheckResult.Skip(EdgeChecks.TlsName(url.Host, url.Port), $"{url.GetLeftPart(UriPartial.Authority)} is plain http://, no TLS to check"));
        }

        var exposure = new List<HttpObservation>();
        foreach (var url in urls.Where(u => !ExposureChecks.IsLocalOnly(u)))
        {
            foreach (var path in ExposureChecks.Paths)
            {
                exposure.Add(await probes.GetAsync(StackOutputs.UrlText(url) + path, null, cancellationToken));
            }
        }

        results.Add(ExposureChecks.Check(exposure));

        foreach (var host in urls.DistinctBy(u => u.Host.ToLowerInvariant()))
        {
            var plain = $"http://{host.Host}{(target.HttpPort == 80 ? string.Empty : $":{target.HttpPort}")}/";
            results.Add(host.Scheme == Uri.UriSchemeHttps
                ? EdgeChecks.CheckRedirect(host.Host, await probes.GetAsync(plain, null, cancellationToken))
                : CheckResult.Skip(EdgeChecks.RedirectName(host.Host), "the URL is plain http://, nothing to redirect to"));
        }

        return results;
    }
}
