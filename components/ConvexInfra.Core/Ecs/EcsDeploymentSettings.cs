using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// How the ECS service replaces its one task. Convex allows one active backend per database (a Postgres lease:
/// a second backend takes it over and the first dies on its next write), so the service never runs two tasks:
/// minimum healthy 0 % and maximum 100 % make ECS stop the old task before it starts the new one. The price is
/// downtime on every new task definition (image upgrade, size or environment change): the old task's drain
/// (up to <see cref="StopTimeoutSeconds"/>) plus the new task's image pull, start, migrations and the first
/// healthy load balancer checks, typically 1 to 3 minutes.
/// </summary>
public static class EcsDeploymentSettings
{
    public const int DesiredCount = 1;

    /// <summary>0 %: ECS may stop the only task before its replacement runs (no overlap of two backends).</summary>
    public const int MinimumHealthyPercent = 0;

    /// <summary>100 %: never more than the desired one task, not even during a deployment.</summary>
    public const int MaximumPercent = 100;

    /// <summary>Fargate's maximum: room for the backend to drain in-flight requests after SIGINT before SIGKILL.</summary>
    public const int StopTimeoutSeconds = 120;

    /// <summary>The dashboard is a stateless Next.js server; it stops at once on SIGTERM.</summary>
    public const int DashboardStopTimeoutSeconds = 30;

    /// <summary>
    /// The dashboard's own task (no task role, its own security group): Fargate's smallest size. Its Next.js server only
    /// renders pages; the browser does the work against the backend.
    /// </summary>
    public const int DashboardCpu = 256;

    public const int DashboardMemoryMb = 512;

    /// <summary>The dashboard holds no state: its service starts the new task before it stops the old one.</summary>
    public const int DashboardMinimumHealthyPercent = 100;

    public const int DashboardMaximumPercent = 200;

    /// <summary>ECS's maximum container health-check start period; the service grace period below covers longer migrations.</summary>
    public const int HealthCheckStartPeriodSeconds = 300;

    public const int HealthCheckIntervalSeconds = 10;
    public const int HealthCheckTimeoutSeconds = 5;
    public const int HealthCheckRetries = 3;

    /// <summary>
    /// Load balancer health checks are ignored this long after a task starts: schema migrations of a large
    /// deployment run before <c>/version</c> answers, and an early "unhealthy" would kill the task mid-migration.
    /// </summary>
    public const int HealthCheckGracePeriodSeconds = 900;

    /// <summary>
    /// The RDS instance's create timeout (the Database component's <c>customTimeouts.create</c>): the longest a first
    /// deploy's database may take before pulumi up gives up on it.
    /// </summary>
    public const int DatabaseCreateTimeoutMinutes = 60;

    /// <summary>
    /// The grace period the service is CREATED with: the first task starts while RDS is being created and its entrypoint
    /// waits for the database address, so nothing answers the health checks until RDS exists; the grace covers the whole
    /// RDS create timeout. It is set back to <see cref="HealthCheckGracePeriodSeconds"/> once the service is steady
    /// (<see cref="GracePeriodReset"/>), so later deployments fail over as fast as before.
    /// </summary>
    public const int FirstDeployHealthCheckGracePeriodSeconds = DatabaseCreateTimeoutMinutes * 60;

    /// <summary>
    /// The ECS service's create timeout: the provider's default is 20 minutes (terraform-provider-aws
    /// internal/service/ecs/service.go, ResourceService Timeouts), and its steady-state wait on create (waitServiceStable:
    /// the deployment must reach SUCCESSFUL, i.e. a healthy target) now includes the rest of RDS creation. It must outlast
    /// the RDS create timeout plus the backend's start.
    /// </summary>
    public const int ServiceCreateTimeoutMinutes = DatabaseCreateTimeoutMinutes + 30;

    /// <summary>
    /// Longest time an HTTP connection may sit idle at the load balancer: twice the backend's request cut-off
    /// (HTTP_SERVER_TIMEOUT_SECONDS, backendTuning httpServerTimeoutSeconds; 300 s by default, fact
    /// limit-http-request-timeout), so a slow request ends with the backend's 408, not the ALB's 504, with room for
    /// pauses in streamed HTTP-action responses; the sync websocket needs far less (the server pings every 5 s). The
    /// ALB default of 60 s would cut slow requests; its maximum, 4000 s, bounds the knob at 1800 s.
    /// </summary>
    public static int LoadBalancerIdleTimeoutSeconds(int httpServerTimeoutSeconds) => 2 * httpServerTimeoutSeconds;

    /// <summary>The idle timeout of <paramref name="spec"/>'s load balancer.</summary>
    public static int LoadBalancerIdleTimeoutSeconds(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return LoadBalancerIdleTimeoutSeconds(spec.Backend.Knobs.HttpServerTimeoutSeconds);
    }

    /// <summary>
    /// How long the load balancer lets in-flight requests finish on a task it is removing. With one task and minimum
    /// healthy 0 %, ECS stops the old task only after this drain and starts the new one after that, so every second
    /// here is a second of 503s for new requests: 5 s lets ordinary queries and mutations finish (the sync websocket
    /// reconnects by itself) instead of the ALB's default 300 s or the 30 s this stack used before. A longer HTTP action
    /// still in flight after 5 s is cut.
    /// </summary>
    public const int DeregistrationDelaySeconds = 5;

    /// <summary>
    /// Target health checks: the ALB routes to a new task only after <see cref="TargetHealthyThreshold"/> passing checks
    /// <see cref="TargetHealthCheckIntervalSeconds"/> apart, so ALB's minimum interval (5 s) and threshold (2) give
    /// 10 s instead of the 30 s of a 15 s interval. The timeout must stay below the interval; /version answers in
    /// milliseconds.
    /// </summary>
    public const int TargetHealthCheckIntervalSeconds = 5;

    public const int TargetHealthCheckTimeoutSeconds = 4;

    public const int TargetHealthyThreshold = 2;

    /// <summary>Three failed checks (15 s) before a running task is taken out of rotation: a slow answer is not a dead task.</summary>
    public const int TargetUnhealthyThreshold = 3;

    /// <summary>TLS 1.3 with TLS 1.2 fallback, forward-secret ciphers only (AWS's recommended ALB policy).</summary>
    public const string TlsPolicy = "ELBSecurityPolicy-TLS13-1-2-2021-06";

    public const string CpuArchitecture = "ARM64";
    public const string OperatingSystemFamily = "LINUX";
}
