using System.Globalization;

namespace ConvexInfra.Core.Ecs;

/// <summary>
/// The one-shot step after the backend service's first steady state: it sets the service's health-check grace period
/// from <see cref="EcsDeploymentSettings.FirstDeployHealthCheckGracePeriodSeconds"/> (which covers RDS creation while
/// the first task waits for the database address) back to <see cref="EcsDeploymentSettings.HealthCheckGracePeriodSeconds"/>,
/// so a later deployment whose backend never becomes healthy is stopped by the circuit breaker as fast as before. It runs
/// with the AWS CLI on the machine running pulumi up (which the EC2 wait step and the pre-upgrade export need too). The
/// service ignores later changes of its grace period input, so pulumi never puts the long value back; the step runs
/// again only if the service is replaced (then created with the long value again).
/// </summary>
public static class GracePeriodReset
{
    /// <summary>bash; reads REGION, CLUSTER, SERVICE and GRACE_SECONDS; prints the grace period ECS now reports.</summary>
    public static string Script() =>
        "set -euo pipefail\n" +
        "# UpdateService with only the grace period: the running task and its deployment stay as they are.\n" +
        "aws ecs update-service --region \"${REGION}\" --cluster \"${CLUSTER}\" --service \"${SERVICE}\" \\\n" +
        "  --health-check-grace-period-seconds \"${GRACE_SECONDS}\" \\\n" +
        "  --query 'service.healthCheckGracePeriodSeconds' --output text\n";

    /// <summary>The value the step sets.</summary>
    public static string GraceSeconds => EcsDeploymentSettings.HealthCheckGracePeriodSeconds.ToString(CultureInfo.InvariantCulture);
}
