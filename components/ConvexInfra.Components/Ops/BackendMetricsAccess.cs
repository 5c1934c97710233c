using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using Pulumi;
using CloudWatch = Pulumi.Aws.CloudWatch;
using Iam = Pulumi.Aws.Iam;

namespace ConvexInfra.Components.Ops;

/// <summary>
/// What the CloudWatch agent of a backend (the EC2 host's, or the ECS task's sidecar) needs in AWS: the stack's metrics
/// log group (<see cref="AppMetrics.LogGroup"/>, the log retention of the stack) and the right of the role it runs
/// with to write its metric events there (<see cref="StackPolicies.BackendMetrics"/>). Registered by the component
/// that owns the role, as its children.
/// </summary>
internal static class BackendMetricsAccess
{
    public static CloudWatch.LogGroup Grant(string name, DeploymentSpec spec, AwsAccountContext account, Input<string> roleName, CustomResourceOptions child)
    {
        var logGroup = new CloudWatch.LogGroup($"{name}-metrics-logs", new CloudWatch.LogGroupArgs
        {
            Name = AppMetrics.LogGroup(spec),
            RetentionInDays = spec.Monitoring.LogRetentionDays,
            Tags = AwsTags.For(spec, $"{name}-metrics-logs"),
        }, child);
        _ = new Iam.RolePolicy($"{name}-metrics", new Iam.RolePolicyArgs
        {
            Role = roleName,
            Policy = logGroup.Arn.Apply(arn => StackPolicies.BackendMetrics(account, arn)),
        }, child);
        return logGroup;
    }
}
