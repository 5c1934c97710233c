using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// One ALB target group: the task (<see cref="EcsContainers.BackendTask"/> or <see cref="EcsContainers.DashboardTask"/>)
/// and container it sends traffic to, and how it checks the container.
/// </summary>
public sealed record AlbTargetPlan(
    string Name,
    string Task,
    string ContainerName,
    int ContainerPort,
    int HealthCheckPort,
    string HealthCheckPath,
    string HealthCheckMatcher);

/// <summary>One listener rule of the HTTPS listener: a host name (and, for the dashboard, client networks) to a target group.</summary>
public sealed record AlbHostRule(int Priority, string Hostname, string TargetName, IReadOnlyList<string> SourceCidrs);

/// <summary>
/// A listener rule that answers by itself, on every host name: <see cref="PathPatterns"/> (ALB wildcards) get
/// <see cref="StatusCode"/>. Its priority is above every host rule's, so no target ever sees these paths.
/// </summary>
public sealed record AlbFixedResponseRule(int Priority, IReadOnlyList<string> PathPatterns, int StatusCode, string Body);

/// <summary>
/// Host-based routing of the load balancer. The api hostname goes to the backend's 3210, the dashboard hostname
/// to 6791. The site hostname goes to the task's Caddy (<see cref="SiteProxyCaddyfile"/>), which adds the <c>/http</c>
/// path prefix that an ALB cannot add and forwards to 3210 (128 requests in flight), instead of the backend's own
/// 3211 site proxy (4 in flight, 300 s each). Its health check asks Caddy's health port for the backend's
/// <c>/version</c>. Requests for any other host get a 404 from the listener's default action, and the backend's internal
/// endpoints (<see cref="Containers.InternalEndpoints"/>) a 404 from <see cref="BlockRules"/> on every host. The dashboard
/// target belongs to the dashboard's own task (<see cref="EcsContainers.DashboardTask"/>).
/// </summary>
public sealed record AlbRoutingPlan(IReadOnlyList<AlbTargetPlan> Targets, IReadOnlyList<AlbHostRule> Rules, IReadOnlyList<AlbFixedResponseRule> BlockRules)
{
    public const string ApiTarget = "api";
    public const string SiteTarget = "site";
    public const string DashboardTarget = "dashboard";

    /// <summary>ALB counts every condition value; 5 per rule. The host name takes one, so 4 networks per rule.</summary>
    public const int SourceCidrsPerRule = 4;

    /// <summary>ALB allows 5 condition values per rule; the block rule's one condition is its path patterns.</summary>
    public const int PathPatternsPerRule = 5;

    public AlbTargetPlan Target(string name) => Targets.Single(t => t.Name == name);

    /// <summary>The targets of one task's service.</summary>
    public IReadOnlyList<AlbTargetPlan> TargetsOf(string task) => Targets.Where(t => t.Task == task).ToList();

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
            new(ApiTarget, EcsContainers.BackendTask, EcsContainers.Backend, EcsContainers.ApiPort, backendHealth.Port, backendHealth.Path, backendHealth.Matcher),
            // The site listener forwards every path to /http/...; checking it would test user code, so the check goes to
            // Caddy's health listener, which answers with the backend's /version.
            new(SiteTarget, EcsContainers.BackendTask, EcsContainers.Proxy, EcsContainers.SiteProxyPort, EcsContainers.ProxyHealthPort, backendHealth.Path, backendHealth.Matcher),
            new(DashboardTarget, EcsContainers.DashboardTask, EcsContainers.Dashboard, EcsContainers.DashboardPort, EcsContainers.DashboardPort, "/", "200-399"),
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

        // Priority 1..n: before every host rule (10 and up). "/metrics*" covers /metrics, /metrics/ and /metrics/x.
        var blocks = Containers.InternalEndpoints.PathPrefixes.Select(prefix => prefix + "*").Chunk(PathPatternsPerRule)
            .Select((patterns, i) => new AlbFixedResponseRule(1 + i, patterns, 404, "Not Found"))
            .ToList();
        return new AlbRoutingPlan(targets, rules, blocks);
    }

    private static string Normalize(string hostname) => hostname.Trim().TrimEnd('.').ToLowerInvariant();
}
