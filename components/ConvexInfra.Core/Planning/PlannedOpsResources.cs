using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;
using T = ConvexInfra.Core.Planning.ResourceTypes;

namespace ConvexInfra.Core.Planning;

/// <summary>Backups and monitoring of both AWS targets, counted with <see cref="BackupPlan"/> and <see cref="MonitoringPlan"/>.</summary>
internal static class PlannedOpsResources
{
    public static IEnumerable<PlannedResource> For(DeploymentSpec spec)
    {
        var backup = BackupPlan.For(spec);
        const string b = "backups";
        yield return new(b, T.Schedule, 1, $"EventBridge Scheduler {backup.ExportSchedule}: convex export --include-file-storage into the exports bucket (kept {backup.ExportRetentionDays} days)");
        yield return new(b, T.TaskDefinition, 1, $"export task: {ExportTask.Cpu} CPU units, {ExportTask.MemoryMb} MiB, node + convex CLI {ExportTask.ConvexCliVersion} (aws/ecs/backups-export.containers.json)");
        yield return new(b, T.EcsCluster, 1, "cluster the export task runs in");
        yield return new(b, T.LogGroup, 1, $"{ExportTask.LogGroupName(spec)}, {spec.Monitoring.LogRetentionDays} days");
        yield return new(b, T.Role, 3, "export task execution role (admin key parameter, logs), export task role (stores the deployment variables under deployment-env/) and scheduler role (run the task)");
        yield return new(b, T.RolePolicy, 3, "aws/iam/roles/backups-export-execution.json, aws/iam/roles/backups-export-task.json, aws/iam/roles/backups-export-scheduler.json");
        yield return new(b, T.SecurityGroup, 1, "export task: outbound HTTPS only");
        yield return new(b, T.EgressRule, 1, "443 to the npm registry and the stack's API");
        yield return new(b, T.Parameter, 1, "revision history (refuses downgrades; an image change first runs a pre-upgrade export)");

        const string m = "monitoring";
        var inputs = StackMonitoring.Inputs(spec);
        var alarms = MonitoringPlan.Alarms(inputs);
        var topics = StackMonitoring.TopicRegions(spec);
        yield return new(m, T.Topic, topics.Count, $"alarm topic{(topics.Count > 1 ? "s" : string.Empty)} in {string.Join(" and ", topics)}");
        if (spec.Monitoring.AlarmEmail is { } email)
        {
            yield return new(m, T.TopicSubscription, topics.Count, $"e-mail to {email} (confirm the link AWS sends)");
        }

        yield return new(m, T.HealthCheck, 1, $"Route 53 HTTPS health check of https://{spec.Endpoints.ApiHostname}/version every 30 s");
        yield return new(m, T.MetricAlarm, alarms.Count, string.Join(", ", alarms.Select(a => a.Key)));
        yield return new(m, T.EventRule, 1, "ECS task stopped with a non-zero exit code (crash, out of memory, failed export)");
        yield return new(m, T.EventTarget, 1, "→ the alarm topic");
        yield return new(m, T.Dashboard, 1, "CloudWatch dashboard");

        foreach (var resource in PlannedBackupCopy.For(spec))
        {
            yield return resource;
        }
    }
}
