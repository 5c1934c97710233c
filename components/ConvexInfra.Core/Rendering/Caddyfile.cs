using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Rendering;

/// <summary>
/// The Caddyfile of the EC2 host: automatic HTTPS (Let's Encrypt) for the three hostnames, HTTP→HTTPS
/// redirects (Caddy's default, never switched off here), a 404 for the backend's internal endpoints on every hostname,
/// and reverse proxies to the containers by their compose service names, over the networks Caddy shares with each
/// (<see cref="ContainerNetworks"/>).
/// </summary>
public static partial class Caddyfile
{
    /// <summary>How much longer than the backend's request cut-off Caddy waits on a read or write.</summary>
    public const int ProxyMarginSeconds = 30;

    /// <summary>
    /// Caddy's per-read/write wait on the backend: the stack's HTTP_SERVER_TIMEOUT_SECONDS (backendTuning
    /// httpServerTimeoutSeconds, fact limit-http-request-timeout for the default) plus <see cref="ProxyMarginSeconds"/>,
    /// so the backend's own 408 reaches the client rather than a proxy 502, with room for pauses in a streamed
    /// HTTP-action response, which that cut-off does not bound.
    /// </summary>
    public static int ProxyTimeoutSeconds(int httpServerTimeoutSeconds) => httpServerTimeoutSeconds + ProxyMarginSeconds;

    /// <summary>The proxy timeout of <paramref name="spec"/>'s backend.</summary>
    public static int ProxyTimeoutSeconds(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return ProxyTimeoutSeconds(spec.Backend.Knobs.HttpServerTimeoutSeconds);
    }

    /// <summary>
    /// How long Caddy holds a request while the backend (or dashboard) cannot be dialled, retrying every
    /// <see cref="RetryIntervalMilliseconds"/>, before it answers 502 (<c>lb_try_duration</c>/<c>lb_try_interval</c>,
    /// caddyserver/website src/docs/markdown/caddyfile/directives/reverse_proxy.md; <c>caddy adapt</c> checks the names).
    /// A release switch stops the old backend and starts the new one; the new one listens within seconds (docs/aws.md,
    /// the switch benchmark), so requests in that gap wait instead of failing. Longer than the issue's 15 s target for
    /// the longest request so that a slow start still ends in an answer, short enough that a backend that stays down
    /// (a failed release rolling back) answers 502 well inside a client's own timeout.
    /// </summary>
    public const int RetryWindowSeconds = 30;

    /// <summary>Between two dials while the upstream is down: quick enough that the first request after the new backend listens waits at most this.</summary>
    public const int RetryIntervalMilliseconds = 250;

    /// <summary>Pushes can be 200,000,000 bytes; leave room for multipart framing.</summary>
    public const string MaxRequestBody = "250MB";

    /// <summary>The backend's API port, by compose service name on the backend network.</summary>
    public static readonly string BackendUpstream = $"{ContainerNetworks.Backend}:{HostLayout.BackendPort}";

    /// <summary>The dashboard, by compose service name on the dashboard network.</summary>
    public static readonly string DashboardUpstream = $"{ContainerNetworks.Dashboard}:{HostLayout.DashboardPort}";

    public static string Render(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DeploymentTarget.AwsEc2)
        {
            throw new ArgumentException($"the Caddyfile is for target aws-ec2; stack {spec.StackName} has target {spec.Target.ConfigName()}", nameof(spec));
        }

        var endpoints = spec.Endpoints;
        RequireHostname("api hostname", endpoints.ApiHostname);
        RequireHostname("site hostname", endpoints.SiteHostname);
        RequireHostname("dashboard hostname", endpoints.DashboardHostname);
        foreach (var cidr in spec.Network.DashboardAllowedCidrs)
        {
            Require("dashboard allowed CIDR", cidr, CidrPattern(), "203.0.113.0/24");
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"# Managed by convex-infra (stack {spec.StackName}); the next release overwrites local edits.\n");
        if (spec.Compute.AcmeEmail is { } email)
        {
            Require("ACME email", email, EmailPattern(), "ops@example.com");
            text.Append(CultureInfo.InvariantCulture, $"{{\n\temail {email}\n}}\n\n");
        }

        text.Append(Snippets);
        text.Append(CultureInfo.InvariantCulture, $"\n# Convex API: websocket sync, CLI and dashboard admin calls, file storage.\n{endpoints.ApiHostname} {{\n");
        text.Append("\timport common\n");
        text.Append(ProxyTo(BackendUpstream, spec));
        text.Append("}\n");

        // HTTP actions go straight to 3210 under /http, exactly what the 3211 site proxy would do, without
        // that proxy's limit of 4 concurrent requests.
        text.Append(CultureInfo.InvariantCulture, $"\n# HTTP actions.\n{endpoints.SiteHostname} {{\n");
        text.Append("\timport common\n");
        text.Append("\trewrite * /http{uri}\n");
        text.Append(ProxyTo(BackendUpstream, spec));
        text.Append("}\n");

        text.Append(CultureInfo.InvariantCulture, $"\n# Dashboard.\n{endpoints.DashboardHostname} {{\n");
        text.Append("\timport common\n");
        if (spec.Network.DashboardAllowedCidrs.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"\t@outside not remote_ip {string.Join(' ', spec.Network.DashboardAllowedCidrs)}\n");
            text.Append("\trespond @outside \"Forbidden\" 403\n");
        }

        text.Append("\theader {\n");
        text.Append("\t\tX-Content-Type-Options \"nosniff\"\n");
        text.Append("\t\tX-Frame-Options \"DENY\"\n");
        text.Append("\t\tReferrer-Policy \"no-referrer\"\n");
        text.Append("\t\tPermissions-Policy \"camera=(), microphone=(), geolocation=()\"\n");
        text.Append("\t}\n");
        text.Append(ProxyTo(DashboardUpstream, spec));
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>JSON access log on stdout without credentials: shared by every Caddyfile this project renders.</summary>
    internal const string RedactedLog =
        "\tlog {\n" +
        "\t\toutput stdout\n" +
        "\t\tformat filter {\n" +
        "\t\t\twrap json\n" +
        "\t\t\tfields {\n" +
        "\t\t\t\trequest>headers>Authorization delete\n" +
        "\t\t\t\trequest>headers>Cookie delete\n" +
        "\t\t\t\tresp_headers>Set-Cookie delete\n" +
        "\t\t\t}\n" +
        "\t\t}\n" +
        "\t}\n";

    /// <summary>The request body limit block (pushes up to 200 MB plus overhead).</summary>
    internal const string RequestBodyLimit =
        "\trequest_body {\n" +
        "\t\tmax_size " + MaxRequestBody + "\n" +
        "\t}\n";

    /// <summary>
    /// A 404 for <see cref="Containers.InternalEndpoints"/>, matched on the path the client sent (<c>orig_uri</c>), so a
    /// site block's <c>rewrite * /http{uri}</c>, which Caddy orders before <c>respond</c>, cannot hide it.
    /// </summary>
    internal static readonly string InternalEndpointsNotFound =
        "\t@internal expression `" + string.Join(" || ", Containers.InternalEndpoints.PathPrefixes
            .Select(prefix => "{http.request.orig_uri.path}.startsWith(\"" + prefix + "\")")) + "`\n" +
        "\trespond @internal \"Not Found\" 404\n";

    private static readonly string Snippets =
        "(common) {\n" +
        InternalEndpointsNotFound +
        RedactedLog +
        RequestBodyLimit +
        "\theader {\n" +
        "\t\tStrict-Transport-Security \"max-age=31536000\"\n" +
        "\t\t-Server\n" +
        "\t}\n" +
        "}\n";

    /// <summary>
    /// A reverse proxy to <c>host:port</c> with the timeouts of <see cref="ProxyTimeoutSeconds(DeploymentSpec)"/>, holding requests
    /// (websocket upgrades too) up to <see cref="RetryWindowSeconds"/> while the upstream restarts. Caddy retries a
    /// request that never reached the upstream (a refused dial, a compose service name that does not resolve while its
    /// container is recreated) and, by its default, a GET whose connection broke; never a POST the upstream received.
    /// </summary>
    internal static string ProxyTo(string upstream, DeploymentSpec spec)
    {
        var timeout = ProxyTimeoutSeconds(spec).ToString(CultureInfo.InvariantCulture) + "s";
        return "\treverse_proxy " + upstream + " {\n" +
            "\t\tlb_try_duration " + RetryWindowSeconds.ToString(CultureInfo.InvariantCulture) + "s\n" +
            "\t\tlb_try_interval " + RetryIntervalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms\n" +
            "\t\ttransport http {\n" +
            "\t\t\tdial_timeout 5s\n" +
            "\t\t\tread_timeout " + timeout + "\n" +
            "\t\t\twrite_timeout " + timeout + "\n" +
            "\t\t}\n" +
            "\t}\n";
    }

    private static void RequireHostname(string what, string value) =>
        Require(what, value, HostnamePattern(), "api.convex.example.com");

    private static void Require(string what, string value, Regex pattern, string example)
    {
        if (!pattern.IsMatch(value))
        {
            throw new ArgumentException($"{what}: got '{value}'; expected {pattern} (nothing Caddy would read as syntax). Example: {example}");
        }
    }

    [GeneratedRegex("^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$")]
    private static partial Regex HostnamePattern();

    [GeneratedRegex("^[0-9a-fA-F.:]+/[0-9]{1,3}$")]
    private static partial Regex CidrPattern();

    [GeneratedRegex("^[^\\s{}\"'#@]+@[^\\s{}\"'#@]+$")]
    private static partial Regex EmailPattern();
}
