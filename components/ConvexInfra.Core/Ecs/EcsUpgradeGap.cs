namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The one home of the ECS upgrade-gap figure docs/aws.md quotes (DocFigures key <c>ecs-upgrade-gap</c>): how long new
/// requests get 503s while the one task is replaced (minimum healthy 0 %, maximum 100 %). In order: the ALB drains the
/// old target (<see cref="EcsDeploymentSettings.DeregistrationDelaySeconds"/>), ECS stops the old task (SIGINT, the
/// backend drains: 1–5 s), Fargate starts the new task (ENI and a full image pull: Fargate caches no image, see
/// <see cref="TaskStartLowSeconds"/>), the entrypoint
/// reads the database address it finds already written (Node start-up and one GetParameter: up to
/// <see cref="AddressReadHighSeconds"/> s, see <see cref="BackendEntrypoint"/>), the backend starts on the migrated
/// database (5–20 s, as on EC2), and the ALB needs
/// <see cref="EcsDeploymentSettings.TargetHealthyThreshold"/> passing checks <see cref="EcsDeploymentSettings.TargetHealthCheckIntervalSeconds"/>
/// apart (plus up to one interval until the first). A model from the settings and stated assumptions, not a
/// measurement: no AWS account is reachable from the tests.
/// </summary>
public static class EcsUpgradeGap
{
    public const int StopLowSeconds = 1;
    public const int StopHighSeconds = 5;
    /// <summary>
    /// Fargate's start of the new task: ENI, the full pull of the backend, proxy and sidecar images (Fargate caches none:
    /// Data/ecs-service-facts.json <c>fargate-images-not-cached</c>) and the containers' start. Anchored on the one public
    /// measurement found, 53–62 s for a 413 MB image through NAT (<c>fargate-task-start-measured-*</c>): a little below
    /// it for a smaller image or a public subnet, and half as much again above it because the backend image comes from
    /// ghcr.io, outside AWS. An assumption, not a measurement of this product. The cold deploy's <c>ecs-task</c> step
    /// (Data/deploy-durations.json) contains the same start and must cover it (EcsServiceFactsTests).
    /// </summary>
    public const int TaskStartLowSeconds = 45;

    public const int TaskStartHighSeconds = 90;
    public const int BackendStartLowSeconds = 5;
    public const int BackendStartHighSeconds = 20;

    /// <summary>Assumption: Node starts and one signed GetParameter answers within a second on Fargate (not measured on AWS).</summary>
    public const int AddressReadHighSeconds = 1;

    private static int Checks => EcsDeploymentSettings.TargetHealthyThreshold * EcsDeploymentSettings.TargetHealthCheckIntervalSeconds;

    public static int LowSeconds =>
        EcsDeploymentSettings.DeregistrationDelaySeconds + StopLowSeconds + TaskStartLowSeconds + BackendStartLowSeconds + Checks;

    public static int HighSeconds =>
        EcsDeploymentSettings.DeregistrationDelaySeconds + StopHighSeconds + TaskStartHighSeconds + AddressReadHighSeconds + BackendStartHighSeconds + Checks
        + EcsDeploymentSettings.TargetHealthCheckIntervalSeconds;

    public static string Range => $"{LowSeconds}–{HighSeconds} s";
}
