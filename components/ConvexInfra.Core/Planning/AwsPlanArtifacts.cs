using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Planning;

/// <summary>
/// The AWS documents of a plan, rendered by the same Core functions the components call, with placeholders for what
/// AWS assigns. Role policies are <c>aws/iam/roles/&lt;resource&gt;.json</c> and container definitions
/// <c>aws/ecs/&lt;resource&gt;.containers.json</c>, where &lt;resource&gt; is the component resource's name after the
/// stack's root name (e.g. <c>host-backend-access</c>), so a test can pair each file with the registered resource.
/// </summary>
internal static class AwsPlanArtifacts
{
    public const string RolePolicyFolder = "aws/iam/roles/";
    public const string ContainersFolder = "aws/ecs/";
    public const string ContainersSuffix = ".containers.json";
    public const string StackKeyPolicyPath = "aws/kms/stack-key-policy.json";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static IEnumerable<RenderedFile> For(DeploymentSpec spec)
    {
        var aws = PlanPlaceholders.Aws(spec);
        var account = PlanPlaceholders.Account(spec);

        var network = NetworkPlanner.Plan(spec.Network.VpcCidr, PlanPlaceholders.AvailabilityZones(spec));
        yield return File("aws/network-plan.json", JsonSerializer.Serialize(network, Indented) + "\n");

        var key = PlanPlaceholders.KmsKeyArn(spec);
        var s3Use = new StackKeyS3Use(
            aws.Buckets.Exports,
            PlanPlaceholders.RoleArn(spec, StackPolicies.ExportTaskRole),
            BackupCopyPlan.For(spec) is null ? null : PlanPlaceholders.RoleArn(spec, StackPolicies.ReplicationRole));
        yield return File(StackKeyPolicyPath, StackPolicies.StackKey(spec, account, PlanPlaceholders.CallerArn, StackPolicies.KeyReaderRoles(spec).Select(r => PlanPlaceholders.RoleArn(spec, r)).ToList(), s3Use) + "\n");
        if (spec.Target == DeploymentTarget.AwsEc2)
        {
            yield return File("aws/iam/ec2-assume-role.json", IamPolicies.Ec2AssumeRole() + "\n");
            yield return Policy("host-backend-access", StackPolicies.HostBackendAccess(spec, account, aws.Buckets, PlanPlaceholders.LogGroupArn(spec, ResourceNames.HostLogGroup(spec)), key));
            yield return Policy("host-session-manager", StackPolicies.HostSessionManager());
            yield return Policy("host-metrics", StackPolicies.BackendMetrics(account, PlanPlaceholders.LogGroupArn(spec, Ops.AppMetrics.LogGroup(spec))));
            foreach (var file in Ec2Artifacts.RenderAll(spec, aws, PlanPlaceholders.SecretVersions))
            {
                yield return file;
            }
        }
        else
        {
            var logGroup = EcsContainers.LogGroupName(spec);
            yield return Policy("ecs-execution", StackPolicies.EcsExecution(spec, account, PlanPlaceholders.LogGroupArn(spec, logGroup), key));
            yield return Policy("ecs-task", StackPolicies.EcsTask(spec, account, aws.Buckets));
            yield return Policy("ecs-dashboard-execution", StackPolicies.EcsDashboardExecution(account, PlanPlaceholders.LogGroupArn(spec, logGroup)));
            yield return Policy("ecs-metrics", StackPolicies.BackendMetrics(account, PlanPlaceholders.LogGroupArn(spec, Ops.AppMetrics.LogGroup(spec))));
            yield return Containers("ecs-task", EcsContainerDefinitions.Render(spec, account, aws, logGroup, PlanPlaceholders.SecretVersions));
            yield return Containers("ecs-dashboard-task", EcsContainerDefinitions.RenderDashboard(spec, aws.Region, logGroup));
        }

        yield return File("aws/iam/ecs-tasks-assume-role.json", IamPolicies.EcsTasksAssumeRole() + "\n");
        yield return File("aws/iam/scheduler-assume-role.json", IamPolicies.SchedulerAssumeRole() + "\n");
        var exportLogs = ExportTask.LogGroupName(spec);
        yield return Policy("backups-export-execution", StackPolicies.ExportExecution(spec, account, PlanPlaceholders.LogGroupArn(spec, exportLogs), key));
        yield return Policy(StackPolicies.ExportTaskRole, StackPolicies.ExportTaskAccess(account, aws.Buckets.Exports, key));
        yield return Policy("backups-export-scheduler", StackPolicies.ExportScheduler(
            PlanPlaceholders.TaskDefinitionArn(spec, ExportTask.Family(spec)),
            PlanPlaceholders.ClusterArn(spec, "backups-cluster"),
            PlanPlaceholders.RoleArn(spec, "backups-export-execution"),
            PlanPlaceholders.RoleArn(spec, StackPolicies.ExportTaskRole)));
        yield return Containers("backups-export", ExportTask.ContainerDefinitions(ExportTask.ValuesFor(spec, account, exportLogs, aws.Buckets.Exports, key)));
        foreach (var file in PlannedBackupCopy.Artifacts(spec))
        {
            yield return file;
        }

        foreach (var region in StackMonitoring.TopicRegions(spec))
        {
            var topic = $"{ResourceNames.RootName(spec)}-monitoring-alarms{(region == spec.Region ? string.Empty : $"-{region}")}";
            var topicArn = $"arn:{account.Partition}:sns:{region}:{account.AccountId}:{topic}";
            yield return File($"aws/sns/alarm-topic-policy-{region}.json", OpsPolicies.AlarmTopicPolicy(topicArn, account.AccountId) + "\n");
        }

        foreach (var (purpose, bucket) in BucketNames.Purposes.Zip(aws.Buckets.All))
        {
            yield return File($"aws/iam/bucket-policy-{bucket}.json", StackPolicies.BucketPolicy(spec, account.Partition, purpose, bucket) + "\n");
        }
    }

    private static RenderedFile Policy(string resource, string document) => File($"{RolePolicyFolder}{resource}.json", document + "\n");

    private static RenderedFile Containers(string resource, string json) =>
        File($"{ContainersFolder}{resource}{ContainersSuffix}", json.EndsWith('\n') ? json : json + "\n");

    private static RenderedFile File(string path, string content) => new(path, content, "0644");
}
