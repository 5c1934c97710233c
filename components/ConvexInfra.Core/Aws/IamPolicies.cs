using ConvexInfra.Core.Runtime;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// IAM policy documents for the stack's roles and buckets. Every Allow names exact actions and exact
/// resources; the only wildcards are documented where AWS leaves no alternative (object keys, log
/// streams named at run time, the AWS-managed SSM key whose id is unknown before first use).
/// </summary>
public static class IamPolicies
{
    public static string Ec2AssumeRole() => AssumeRole("AllowEc2AssumeRole", "ec2.amazonaws.com");

    public static string EcsTasksAssumeRole() => AssumeRole("AllowEcsTasksAssumeRole", "ecs-tasks.amazonaws.com");

    public static string SchedulerAssumeRole() => AssumeRole("AllowSchedulerAssumeRole", "scheduler.amazonaws.com");

    /// <summary>
    /// What the backend needs at run time, as the EC2 instance role: read and write objects
    /// in the five Convex buckets, list them, read the stack's parameters and decrypt them. With
    /// <paramref name="logGroupArn"/> (EC2 hosts shipping container logs themselves) it may also write log streams there.
    /// </summary>
    public static string BackendAccess(
        AwsAccountContext ctx,
        BucketNames buckets,
        IReadOnlyList<string> parameterNames,
        string? kmsKeyArn,
        string? logGroupArn = null) => PolicyDocument.Render(BackendStatements(ctx, buckets, parameterNames, kmsKeyArn, logGroupArn));

    private static List<PolicyStatement> BackendStatements(
        AwsAccountContext ctx,
        BucketNames buckets,
        IReadOnlyList<string> parameterNames,
        string? kmsKeyArn,
        string? logGroupArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(buckets);
        var statements = BucketAccess(ctx, buckets);
        statements.Add(new(
            "StackParametersRead",
            "Allow",
            ["ssm:GetParameter", "ssm:GetParameters"],
            ParameterArns(ctx, parameterNames)));
        statements.Add(DecryptThroughSsm("StackParametersDecrypt", ctx, kmsKeyArn));

        if (logGroupArn is not null)
        {
            statements.Add(WriteLogs("HostLogsWrite", ctx, logGroupArn));
        }

        return statements;
    }

    /// <summary>
    /// The EC2 instance role: <see cref="BackendAccess"/> (buckets, the parameters it reads, decrypting them with the
    /// stack's own key only, container logs in its log group) plus writing its release outcome, to exactly one parameter (the stack's host status) and to one metric
    /// namespace. <c>cloudwatch:PutMetricData</c> has no resource type, hence <c>*</c> narrowed by the namespace condition.
    /// </summary>
    public static string Ec2HostAccess(
        AwsAccountContext ctx,
        BucketNames buckets,
        IReadOnlyList<string> readParameters,
        string statusParameter,
        string metricNamespace,
        string logGroupArn,
        string kmsKeyArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentException.ThrowIfNullOrWhiteSpace(statusParameter);
        ArgumentException.ThrowIfNullOrWhiteSpace(metricNamespace);
        if (readParameters.Contains(statusParameter, StringComparer.Ordinal))
        {
            throw new ArgumentException($"statusParameter: '{statusParameter}' is also a parameter the host reads; the host writes only its status", nameof(statusParameter));
        }

        var statements = BackendStatements(ctx, buckets, readParameters, AwsArns.RequireKmsKeyArn(ctx, kmsKeyArn), logGroupArn);
        statements.Add(new PolicyStatement("HostStatusWrite", "Allow", ["ssm:PutParameter"], [AwsArns.Parameter(ctx, statusParameter)]));
        statements.Add(new PolicyStatement("HostReleaseMetric", "Allow", ["cloudwatch:PutMetricData"], ["*"],
            Conditions: [new PolicyCondition("StringEquals", "cloudwatch:namespace", metricNamespace)]));
        return PolicyDocument.Render(statements);
    }

    /// <summary>
    /// The CloudWatch agent's right to send the backend's metrics: write its embedded-metric-format events to the stack's
    /// metrics log group, nothing else. The agent sends Prometheus metrics only as such log events (CloudWatch extracts
    /// the metrics), so it needs no <c>cloudwatch:PutMetricData</c> (Data/cloudwatch-agent-schema.json,
    /// behaviour prometheus-to-cloudwatch-only-from-logs); the log group exists before the agent runs, so no
    /// <c>logs:CreateLogGroup</c>.
    /// </summary>
    public static string BackendMetricsWrite(AwsAccountContext ctx, string metricsLogGroupArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return PolicyDocument.Render([WriteLogs("BackendMetricsWrite", ctx, metricsLogGroupArn)]);
    }

    /// <summary>
    /// The ECS task role: the five buckets and the database address parameter (a plain String: no key). ECS injects
    /// the instance secret and the database credentials through the execution role (<see cref="EcsExecution"/>), so the
    /// running task reads no secret parameter itself.
    /// </summary>
    public static string EcsTask(AwsAccountContext ctx, BucketNames buckets, string databaseHostParameter)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(buckets);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseHostParameter);
        var statements = BucketAccess(ctx, buckets);
        // A String parameter: GetParameter needs no kms:Decrypt, and the address is not secret.
        statements.Add(new("DatabaseAddressRead", "Allow", ["ssm:GetParameter"], ParameterArns(ctx, [databaseHostParameter])));
        return PolicyDocument.Render(statements);
    }

    /// <summary>
    /// The ECS task execution role: fetch the secrets ECS injects into the containers and write the containers'
    /// logs. No ECR permissions: the images come from ghcr.io.
    /// </summary>
    public static string EcsExecution(AwsAccountContext ctx, IReadOnlyList<string> parameterNames, string? kmsKeyArn, string logGroupArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return PolicyDocument.Render(
        [
            new("TaskSecretsRead", "Allow", ["ssm:GetParameters"], ParameterArns(ctx, parameterNames)),
            DecryptThroughSsm("TaskSecretsDecrypt", ctx, kmsKeyArn),
            WriteLogs("TaskLogsWrite", ctx, logGroupArn),
        ]);
    }

    /// <summary>
    /// The ECS dashboard task's execution role: write the dashboard's own log streams (<c>&lt;prefix&gt;/…</c> in the
    /// task's log group: the awslogs driver names them prefix/container/task-id), nothing else. No parameter, no key,
    /// no ECR: the dashboard image is public on GitHub's registry, which ECS pulls without credentials.
    /// </summary>
    public static string EcsDashboardExecution(AwsAccountContext ctx, string logGroupArn, string streamPrefix)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentException.ThrowIfNullOrWhiteSpace(streamPrefix);
        var group = AwsArns.RequireLogGroupArn(ctx, logGroupArn);
        return PolicyDocument.Render(
        [
            new("DashboardLogStreamsWrite", "Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], [$"{group}:log-stream:{streamPrefix}/*"]),
        ]);
    }

    /// <summary>
    /// Bucket policy refusing every request that does not use TLS. It is a Deny for everyone on <c>s3:*</c>:
    /// a Deny must cover all actions and principals to close plain HTTP completely.
    /// </summary>
    public static string TlsOnlyBucketPolicy(string partition, string bucketName) =>
        PolicyDocument.Render([DenyInsecureTransport(partition, bucketName)]);

    /// <summary>
    /// The calls that erase an export or weaken its lock: deleting (a delete marker or a version), changing a
    /// version's retention (which could shorten it), and bypassing governance mode. Convex itself only writes exports.
    /// </summary>
    public static IReadOnlyList<string> ExportEraseActions { get; } =
        ["s3:BypassGovernanceRetention", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectRetention"];

    /// <summary>
    /// The exports bucket: TLS only, and when its exports are locked, nobody (any principal, the deployment's roles and
    /// the deployer included) may call <see cref="ExportEraseActions"/>; expiry is left to the lifecycle rule, which
    /// S3 runs without IAM and which respects the lock. Without a lock (dev) the roles still cannot delete, because
    /// their policies grant no delete on this bucket, but a dev stack can still be destroyed with its bucket.
    /// </summary>
    public static string ExportsBucketPolicy(string partition, string bucketName, bool locked) =>
        PolicyDocument.Render(ExportsBucketStatements(partition, bucketName, locked));

    /// <summary>
    /// Bucket-level calls that would weaken the exports' protection: removing the bucket or its policy, changing the lock's
    /// default retention, suspending versioning, shortening the lifecycle, or replicating elsewhere. Only the deployer
    /// (the stack's own update) makes them; no role of the stack is granted any of them.
    /// </summary>
    public static IReadOnlyList<string> ExportWeakenBucketActions { get; } =
    [
        "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketObjectLockConfiguration", "s3:PutBucketPolicy", "s3:PutBucketVersioning",
        "s3:PutLifecycleConfiguration", "s3:PutReplicationConfiguration",
    ];

    internal static List<PolicyStatement> ExportsBucketStatements(string partition, string bucketName, bool locked)
    {
        var statements = new List<PolicyStatement> { DenyInsecureTransport(partition, bucketName) };
        if (locked)
        {
            statements.Add(new(
                "DenyEraseExports",
                "Deny",
                [.. ExportEraseActions],
                [AwsArns.BucketObjects(partition, bucketName)],
                AnyPrincipal: true));
        }

        return statements;
    }

    private static PolicyStatement DenyInsecureTransport(string partition, string bucketName) => new(
        "DenyInsecureTransport",
        "Deny",
        ["s3:*"],
        [AwsArns.Bucket(partition, bucketName), AwsArns.BucketObjects(partition, bucketName)],
        AnyPrincipal: true,
        Conditions: [new PolicyCondition("Bool", "aws:SecureTransport", "false")]);

    private static string AssumeRole(string sid, string service) =>
        PolicyDocument.Render([new(sid, "Allow", ["sts:AssumeRole"], [], ServicePrincipal: service)]);

    /// <summary>
    /// Read and write objects in the five Convex buckets and list them (what <c>crates/aws_s3</c> calls). The exports
    /// bucket holds the backups: the backend may write and read exports there but never delete them.
    /// </summary>
    private static List<PolicyStatement> BucketAccess(AwsAccountContext ctx, BucketNames buckets)
    {
        var bucketNames = buckets.All.Distinct(StringComparer.Ordinal).ToList();
        var working = bucketNames.Where(name => name != buckets.Exports).ToList();
        return
        [
            new(
                "ConvexObjectsReadWrite",
                "Allow",
                ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
                working.Select(name => AwsArns.BucketObjects(ctx.Partition, name)).ToList()),
            new(
                "ConvexExportsWriteOnce",
                "Allow",
                ["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
                [AwsArns.BucketObjects(ctx.Partition, buckets.Exports)]),
            new(
                "ConvexBucketsList",
                "Allow",
                ["s3:GetBucketLocation", "s3:ListBucket"],
                bucketNames.Select(name => AwsArns.Bucket(ctx.Partition, name)).ToList()),
        ];
    }

    private static List<string> ParameterArns(AwsAccountContext ctx, IReadOnlyList<string> parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        if (parameterNames.Count == 0)
        {
            throw new ArgumentException(
                "parameterNames: got an empty list; expected the stack's SSM parameter names. Example: /convex-infra/prod/instance-secret",
                nameof(parameterNames));
        }

        return parameterNames.Select(name => AwsArns.Parameter(ctx, name)).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// kms:Decrypt only when SSM asks on the role's behalf. Without a customer key the parameters use the
    /// AWS-managed <c>aws/ssm</c> key, whose key id is unknown until SSM first creates it; IAM cannot match a
    /// key by alias, so the statement names the account's keys in this region and the ViaService condition
    /// narrows it to SSM, where the parameter ARNs above already decide what can be read.
    /// </summary>
    private static PolicyStatement DecryptThroughSsm(string sid, AwsAccountContext ctx, string? kmsKeyArn)
    {
        var key = kmsKeyArn is null
            ? $"arn:{ctx.Partition}:kms:{ctx.Region}:{ctx.AccountId}:key/*"
            : AwsArns.RequireKmsKeyArn(ctx, kmsKeyArn);
        return new PolicyStatement(
            sid,
            "Allow",
            ["kms:Decrypt"],
            [key],
            Conditions: [new PolicyCondition("StringEquals", "kms:ViaService", SsmViaService(ctx))]);
    }

    /// <summary>
    /// CreateLogStream is checked against the group, PutLogEvents against <c>group:log-stream:NAME</c>; the stream
    /// names are chosen at run time (one per task or container), hence <c>group:*</c>.
    /// </summary>
    private static PolicyStatement WriteLogs(string sid, AwsAccountContext ctx, string logGroupArn)
    {
        var group = AwsArns.RequireLogGroupArn(ctx, logGroupArn);
        return new PolicyStatement(sid, "Allow", ["logs:CreateLogStream", "logs:PutLogEvents"], [group, $"{group}:*"]);
    }

    /// <summary>The <c>kms:ViaService</c> value of requests SSM makes to KMS on a caller's behalf in the stack's region.</summary>
    internal static string SsmViaService(AwsAccountContext ctx) => $"ssm.{ctx.Region}.{DnsSuffix(ctx.Partition)}";

    /// <summary>Service endpoints in China use amazonaws.com.cn; everywhere else amazonaws.com.</summary>
    private static string DnsSuffix(string partition) => partition == "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
}
