using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// The inline policy of every role a stack creates, decided once: which parameters each role may read and which log
/// group it writes. The components attach exactly these documents and <c>convex-infra plan</c> renders the same
/// functions with placeholders, so what plan shows is what is deployed (a component test compares the two).
/// </summary>
public static class StackPolicies
{
    /// <summary>
    /// The EC2 host reads the instance secret, POSTGRES_URL, its release and every part of its host tooling; the admin key is for
    /// people and CI. It writes only its host-status parameter.
    /// </summary>
    public static IReadOnlyList<string> HostParameters(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var secrets = ResourceNames.SecretParameters(spec);
        return [secrets.InstanceSecret, secrets.PostgresUrl, ResourceNames.ReleaseParameter(spec), .. Rendering.HostTooling.Parameters(spec)];
    }

    /// <summary>The two secrets ECS injects into the backend container (the execution role fetches them).</summary>
    public static IReadOnlyList<string> EcsInjectedParameters(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var secrets = ResourceNames.SecretParameters(spec);
        return [secrets.InstanceSecret, secrets.PostgresUrl];
    }

    /// <summary>
    /// The EC2 instance role: buckets, the host's parameters, decrypt through SSM, its container log group, and its
    /// release reports (the host-status parameter and the <c>ConvexInfra/Host</c> metric namespace only).
    /// </summary>
    public static string HostBackendAccess(DeploymentSpec spec, AwsAccountContext account, BucketNames buckets, string logGroupArn) =>
        IamPolicies.Ec2HostAccess(account, buckets, HostParameters(spec), ResourceNames.HostStatusParameter(spec), Rendering.HostStatus.MetricNamespace, logGroupArn);

    /// <summary>The ECS execution role: the injected secrets and the task's log group.</summary>
    public static string EcsExecution(DeploymentSpec spec, AwsAccountContext account, string logGroupArn) =>
        IamPolicies.EcsExecution(account, EcsInjectedParameters(spec), kmsKeyArn: null, logGroupArn);

    /// <summary>The ECS task role: the five buckets only; ECS injects both secrets through the execution role.</summary>
    public static string EcsTask(DeploymentSpec spec, AwsAccountContext account, BucketNames buckets)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return IamPolicies.EcsTask(account, buckets);
    }

    /// <summary>The export task's execution role: the admin key parameter it injects and its log group.</summary>
    public static string ExportExecution(DeploymentSpec spec, AwsAccountContext account, string logGroupArn)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return IamPolicies.EcsExecution(account, [ResourceNames.SecretParameters(spec).AdminKey], kmsKeyArn: null, logGroupArn);
    }

    /// <summary>The scheduler's role: run the export task on its cluster and pass the task's execution role.</summary>
    public static string ExportScheduler(string taskDefinitionArn, string clusterArn, string executionRoleArn) =>
        OpsPolicies.SchedulerRunExportTask(taskDefinitionArn, clusterArn, [executionRoleArn]);
}
