using System.Net;

namespace ConvexInfra.Core.Verify;

/// <summary>
/// The backend's internal endpoints (<see cref="Containers.InternalEndpoints"/>, today <c>/metrics</c>) must not answer
/// from outside: the proxies and the load balancer refuse them with a 404 on every hostname.
/// </summary>
public static class ExposureChecks
{
    public const string InternalEndpoints = "internal-endpoints";

    /// <summary>The paths verify requests on every public URL.</summary>
    public static IReadOnlyList<string> Paths { get; } = Containers.InternalEndpoints.PathPrefixes;

    /// <summary>
    /// True when a URL is a plain-http loopback address (the local target): nothing there is reachable from outside this
    /// machine, and the backend's own port answers <c>/metrics</c> by design.
    /// </summary>
    public static bool IsLocalOnly(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.Scheme == Uri.UriSchemeHttp && (url.IsLoopback || (IPAddress.TryParse(url.DnsSafeHost, out var ip) && IPAddress.IsLoopback(ip)));
    }

    /// <summary>
    /// One result for every request of <see cref="Paths"/> on every public URL. A 2xx answer whose body is Prometheus's
    /// text format (<c># HELP</c> / <c># TYPE</c> lines) fails; any other answer passes; no answer at all skips (the
    /// reachability checks report that).
    /// </summary>
    public static CheckResult Check(IReadOnlyList<HttpObservation> seen)
    {
        ArgumentNullException.ThrowIfNull(seen);
        if (seen.Count == 0)
        {
            return CheckResult.Skip(InternalEndpoints, "no public https:// URL to probe (a local deployment is reachable from this machine only)");
        }

        var exposed = seen.Where(s => s.Status is >= 200 and < 300 && LooksLikeMetrics(s.Body)).ToList();
        if (exposed.Count > 0)
        {
            return CheckResult.Fail(InternalEndpoints, $"Prometheus metrics are public: {string.Join(", ", exposed.Select(s => s.Url))} answered {exposed[0].Status}",
                "the proxy or load balancer forwards the backend's internal /metrics route (it has no authentication)",
                "deploy this version of convex-infra (Caddy and the ALB answer 404 for /metrics*), or block /metrics* in your own proxy");
        }

        var answered = seen.Where(s => s.Failure is null).ToList();
        if (answered.Count == 0)
        {
            return CheckResult.Skip(InternalEndpoints, "no URL answered; the checks above say why");
        }

        var statuses = string.Join(", ", answered.Select(s => s.Status).Distinct().Order());
        return CheckResult.Pass(InternalEndpoints, $"{string.Join(", ", Paths)} refused on {answered.Count} URL(s) ({statuses})");
    }

    private static bool LooksLikeMetrics(string body) =>
        body.Split('\n').Any(line => line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal));
}
