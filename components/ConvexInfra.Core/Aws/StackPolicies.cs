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
    /// The EC2 host reads the instance secret, POSTGRES_URL, its release, the images it pre-pulls and every part of its host tooling; the admin key is for
    /// people and CI. It writes only its host-status parameter.
    /// </summary>
    public static IReadOnlyList<string> HostParameters(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var secrets = ResourceNames.SecretParameters(spec);
        return [secrets.InstanceSecret, secrets.PostgresUrl, ResourceNames.ReleaseParameter(spec), ResourceNames.HostImagesParameter(spec), .. Rendering.HostTooling.Parameters(spec)];
    }

    /// <summary>
    /// The two secrets ECS injects into the backend container (the execution role fetches them): the instance secret and
    /// the database credentials. Not <c>POSTGRES_URL</c>, which needs the RDS address: the entrypoint builds it.
    /// </summary>
    public static IReadOnlyList<string> EcsInjectedParameters(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return [ResourceNames.SecretParameters(spec).InstanceSecret, ResourceNames.DatabaseCredentialsParameter(spec)];
    }

    /// <summary>
    /// The EC2 instance role: buckets, the host's parameters, decrypt through SSM, its container log group, and its
    /// release reports (the host-status parameter and the <c>ConvexInfra/Host</c> metric namespace only).
    /// </summary>
    public static string HostBackendAccess(DeploymentSpec spec, AwsAccountContext account, BucketNames buckets, string logGroupArn, string kmsKeyArn) =>
        IamPolicies.Ec2HostAccess(account, buckets, HostParameters(spec), ResourceNames.HostStatusParameter(spec), Rendering.HostStatus.MetricNamespace, logGroupArn, kmsKeyArn);

    /// <summary>
    /// The EC2 host's Session Manager access, in place of the AWS managed policy <c>AmazonSSMManagedInstanceCore</c>
    /// (which also grants <c>ssm:GetParameter*</c> on every parameter of the account).
    /// </summary>
    public static string HostSessionManager() => SessionManagerPolicy.Render();

    /// <summary>
    /// The stack key's policy: the account administers it; only the stack's runtime roles and its deployers (the caller
    /// that runs pulumi and the stack's <c>deployRoles</c>) use it through SSM, and through S3 only the export task
    /// (writes), the deployers and the replication role (read) for the stored deployment variables.
    /// </summary>
    public static string StackKey(DeploymentSpec spec, AwsAccountContext account, string callerArn, IReadOnlyList<string> runtimeRoleArns, StackKeyS3Use s3Use)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return KeyPolicies.StackKey(account, runtimeRoleArns, KeyDeployers.Patterns(account, callerArn, spec.DeployRoles), s3Use);
    }

    /// <summary>The export task's role (the container's own credentials, not the execution role's) by the plan's resource name.</summary>
    public const string ExportTaskRole = "backups-export-task";

    /// <summary>The backup copy's replication role by the plan's resource name.</summary>
    public const string ReplicationRole = "backup-copy-replication";

    /// <summary>
    /// The export task's role: store the deployment variables under <c>deployment-env/</c> of the exports bucket,
    /// encrypted with the stack key through S3 (<see cref="DeploymentEnvPolicies.ExportTaskRole"/>); nothing else.
    /// </summary>
    public static string ExportTaskAccess(AwsAccountContext account, string exportsBucket, string kmsKeyArn)
    {
        ArgumentNullException.ThrowIfNull(account);
        return DeploymentEnvPolicies.ExportTaskRole(account.Partition, account.Region, exportsBucket, AwsArns.RequireKmsKeyArn(account, kmsKeyArn));
    }

    /// <summary>
    /// The roles that decrypt the stack's parameters, by the component resource name after the stack's root name (the
    /// plan's placeholders): the EC2 host or the ECS execution role, and the export task's execution role. The ECS
    /// task role reads no parameter (ECS injects them) and the scheduler only starts the export task.
    /// </summary>
    public static IReadOnlyList<string> KeyReaderRoles(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Target == DeploymentTarget.AwsEc2 ? ["host-role", "backups-export-execution"] : ["ecs-execution", "backups-export-execution"];
    }

    /// <summary>The ECS execution role: the injected secrets (decrypted with the stack's key only) and the task's log group.</summary>
    public static string EcsExecution(DeploymentSpec spec, AwsAccountContext account, string logGroupArn, string kmsKeyArn) =>
        IamPolicies.EcsExecution(account, EcsInjectedParameters(spec), AwsArns.RequireKmsKeyArn(account, kmsKeyArn), logGroupArn);

    /// <summary>The ECS dashboard task's execution role: its own log streams only (no secret, no key, no task role).</summary>
    public static string EcsDashboardExecution(AwsAccountContext account, string logGroupArn) =>
        IamPolicies.EcsDashboardExecution(account, logGroupArn, Ecs.EcsContainers.Dashboard);
    /// <summary>The EC2 host's or the ECS task's CloudWatch agent: its events to the stack's metrics log group (<see cref="Ops.AppMetrics.LogGroup"/>).</summary>
    public static string BackendMetrics(AwsAccountContext account, string metricsLogGroupArn) => IamPolicies.BackendMetricsWrite(account, metricsLogGroupArn);

    /// <summary>
    /// The ECS task role: the five buckets, and the one plain parameter holding the database address (not secret, no
    /// KMS key), which the entrypoint waits for. ECS injects both secrets through the execution role.
    /// </summary>
    public static string EcsTask(DeploymentSpec spec, AwsAccountContext account, BucketNames buckets)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return IamPolicies.EcsTask(account, buckets, ResourceNames.DatabaseHostParameter(spec));
    }

    /// <summary>The export task's execution role: the admin key parameter it injects and its log group.</summary>
    public static string ExportExecution(DeploymentSpec spec, AwsAccountContext account, string logGroupArn, string kmsKeyArn)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return IamPolicies.EcsExecution(account, [ResourceNames.SecretParameters(spec).AdminKey], AwsArns.RequireKmsKeyArn(account, kmsKeyArn), logGroupArn);
    }

    /// <summary>The scheduler's role: run the export task on its cluster and pass the task's execution role and task role.</summary>
    public static string ExportScheduler(string taskDefinitionArn, string clusterArn, string executionRoleArn, string taskRoleArn) =>
        OpsPolicies.SchedulerRunExportTask(taskDefinitionArn, clusterArn, [executionRoleArn, taskRoleArn]);

    /// <summary>
    /// The bucket policy of one of the stack's buckets by purpose (<see cref="BucketNames.Purposes"/>): the exports
    /// bucket's also refuses erasing exports while they are locked.
    /// </summary>
    public static string BucketPolicy(DeploymentSpec spec, string partition, string purpose, string bucketName)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return purpose == "exports"
            ? IamPolicies.ExportsBucketPolicy(partition, bucketName, BackupPlan.For(spec).ExportLock.Enabled)
            : IamPolicies.TlsOnlyBucketPolicy(partition, bucketName);
    }
}
