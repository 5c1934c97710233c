using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>Names and ports of the containers: backend and proxy in the Convex task, the dashboard in a task of its own.</summary>
public static class EcsContainers
{
    /// <summary>The backend's task and service (backend and proxy containers).</summary>
    public const string BackendTask = "convex";

    /// <summary>The dashboard's task and service: another trust zone, without a task role.</summary>
    public const string DashboardTask = "dashboard";

    public const string Backend = "backend";
    public const string Dashboard = "dashboard";

    /// <summary>Caddy in the task, serving the site hostname through the backend's <c>3210/http</c> route.</summary>
    public const string Proxy = "proxy";

    /// <summary>Main API: websocket sync, CLI and dashboard admin API, and HTTP actions under <c>/http/</c>.</summary>
    public const int ApiPort = 3210;

    /// <summary>The site proxy for HTTP actions (forwards to <c>3210/http/...</c>, at most 4 requests in flight).</summary>
    public const int SitePort = 3211;

    public const int DashboardPort = 6791;

    /// <summary>The proxy container's listener for the site hostname (HTTP actions).</summary>
    public const int SiteProxyPort = 3212;

    /// <summary>The proxy container's health listener: <c>/version</c> through Caddy to the backend.</summary>
    public const int ProxyHealthPort = 3213;

    /// <summary>The task's CloudWatch log group, under the stack's own prefix: <c>/convex-infra/prod/ecs</c>.</summary>
    public static string LogGroupName(DeploymentSpec spec) => $"{ResourceNames.ParameterPrefix(spec)}/ecs";
}
