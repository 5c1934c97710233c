using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>One ALB target group: where it sends traffic in the task and how it checks the container.</summary>
public sealed record AlbTargetPlan(
    string Name,
    string ContainerName,
    int ContainerPort,
    int HealthCheckPort,
    string HealthCheckPath,
    string HealthCheckMatcher);

/// <summary>One listener rule of the HTTPS listener: a host name (and, for the dashboard, client networks) to a target group.</summary>
public sealed record AlbHostRule(int Priority, string Hostname, string TargetName, IReadOnlyList<string> SourceCidrs);

/// <summary>
/// Host-based routing of the load balancer. The api hostname goes to the backend's 3210, the dashboard hostname
/// to 6791. The site hostname goes to the task's Caddy (<see cref="SiteProxyCaddyfile"/>), which adds the <c>/http</c>
/// path prefix that an ALB cannot add and forwards to 3210 (128 requests in flight), instead of the backend's own
/// 3211 site proxy (4 in flight, 300 s each). Its health check asks Caddy's health port for the backend's
/// <c>/version</c>. Requests for any other host get a 404 from the listener's default action.
/// </summary>
public sealed record AlbRoutingPlan(IReadOnlyList<AlbTargetPlan> Targets, IReadOnlyList<AlbHostRule> Rules)
{
    public const string ApiTarget = "api";
    public const string SiteTarget = "site";
    public const string DashboardTarget = "dashboard";

    /// <summary>ALB counts every condition value; 5 per rule. The host name takes one, so 4 networks per rule.</summary>
    public const int SourceCidrsPerRule = 4;

    public AlbTargetPlan Target(string name) => Targets.Single(t => t.Name == name);

    public static AlbRoutingPlan For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Target != DeploymentTarget.AwsEcs)
        {
            throw new ArgumentException(
                $"target: got '{spec.Target.ConfigName()}'; the load balancer routing is for aws-ecs stacks", nameof(spec));
        }

        var backendHealth = (Port: EcsContainers.ApiPort, Path: "/version", Matcher: "200");
        IReadOnlyList<AlbTargetPlan> targets =
        [
            new(ApiTarget, EcsContainers.Backend, EcsContainers.ApiPort, backendHealth.Port, backendHealth.Path, backendHealth.Matcher),
            // The site listener forwards every path to /http/...; checking it would test user code, so the check goes to
            // Caddy's health listener, which answers with the backend's /version.
            new(SiteTarget, EcsContainers.Proxy, EcsContainers.SiteProxyPort, EcsContainers.ProxyHealthPort, backendHealth.Path, backendHealth.Matcher),
            new(DashboardTarget, EcsContainers.Dashboard, EcsContainers.DashboardPort, EcsContainers.DashboardPort, "/", "200-399"),
        ];

        var endpoints = spec.Endpoints;
        var rules = new List<AlbHostRule>
        {
            new(10, Normalize(endpoints.ApiHostname), ApiTarget, []),
            new(20, Normalize(endpoints.SiteHostname), SiteTarget, []),
        };

        var dashboardCidrs = spec.Network.DashboardAllowedCidrs;
        if (dashboardCidrs.Count == 0)
        {
            rules.Add(new AlbHostRule(30, Normalize(endpoints.DashboardHostname), DashboardTarget, []));
        }
        else
        {
            rules.AddRange(dashboardCidrs.Chunk(SourceCidrsPerRule).Select((chunk, i) =>
                new AlbHostRule(30 + i, Normalize(endpoints.DashboardHostname), DashboardTarget, chunk)));
        }

        var hosts = rules.Select(r => r.Hostname).Distinct(StringComparer.Ordinal).Count();
        if (hosts != 3)
        {
            throw new ArgumentException(
                $"hostnames: got api {endpoints.ApiHostname}, site {endpoints.SiteHostname}, dashboard {endpoints.DashboardHostname}; "
                + "the load balancer routes by host name, so the three must be distinct (example: api.example.com, site.example.com, dashboard.example.com)",
                nameof(spec));
        }

        return new AlbRoutingPlan(targets, rules);
    }

    private static string Normalize(string hostname) => hostname.Trim().TrimEnd('.').ToLowerInvariant();
}
