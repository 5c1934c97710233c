using ConvexInfra.Components.Aws;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using Iam = Pulumi.Aws.Iam;

namespace ConvexInfra.Components.Ecs;

/// <summary>
/// The three roles of the ECS target, each with Core's policy: the backend task's execution role (its two injected
/// secrets, decrypted with the stack key only, and its logs), the backend's task role (its buckets and the plain
/// database address parameter; the metrics agent's log group) and the dashboard's execution role (its log streams only).
/// </summary>
internal sealed record EcsRoles(Iam.Role Execution, Iam.Role Task, Iam.Role DashboardExecution)
{
    public static EcsRoles Create(
        string name, DeploymentSpec spec, AwsAccountContext account, Output<AwsRuntimeValues> runtime, Output<string> logGroupArn,
        Output<string> keyArn, CustomResourceOptions child)
    {
        var execution = new Iam.Role($"{name}-execution", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.EcsTasksAssumeRole(),
            Description = "Starts the Convex task: reads its two secrets from SSM and writes its logs",
            Tags = AwsTags.For(spec, $"{name}-execution"),
        }.WithBoundary(spec, account), child);
        _ = new Iam.RolePolicy($"{name}-execution", new Iam.RolePolicyArgs
        {
            Role = execution.Name,
            Policy = Output.Tuple(logGroupArn, keyArn).Apply(t => StackPolicies.EcsExecution(spec, account, t.Item1, t.Item2)),
        }, child);

        var task = new Iam.Role($"{name}-task", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.EcsTasksAssumeRole(),
            Description = "The Convex backend at run time: its five buckets and the plain database address parameter",
            Tags = AwsTags.For(spec, $"{name}-task"),
        }.WithBoundary(spec, account), child);
        _ = new Iam.RolePolicy($"{name}-task", new Iam.RolePolicyArgs
        {
            Role = task.Name,
            // The buckets and the plain database address parameter: ECS injects both secrets through the execution role.
            Policy = runtime.Apply(r => StackPolicies.EcsTask(spec, account, r.Buckets)),
        }, child);

        // The agent sidecar runs with the task role: its metric events go to the stack's metrics log group.
        _ = Ops.BackendMetricsAccess.Grant(name, spec, account, task.Name, child);

        // The dashboard's own execution role: it writes the dashboard's log streams and nothing else (no secret, no
        // key), so the backend's execution role, which reads both secrets, is never used to start the dashboard.
        var dashboardExecution = new Iam.Role($"{name}-dashboard-execution", new Iam.RoleArgs
        {
            AssumeRolePolicy = IamPolicies.EcsTasksAssumeRole(),
            Description = "Starts the Convex dashboard task: writes its log streams",
            Tags = AwsTags.For(spec, $"{name}-dashboard-execution"),
        }.WithBoundary(spec, account), child);
        _ = new Iam.RolePolicy($"{name}-dashboard-execution", new Iam.RolePolicyArgs
        {
            Role = dashboardExecution.Name,
            Policy = logGroupArn.Apply(arn => StackPolicies.EcsDashboardExecution(account, arn)),
        }, child);

        return new EcsRoles(execution, task, dashboardExecution);
    }
}
