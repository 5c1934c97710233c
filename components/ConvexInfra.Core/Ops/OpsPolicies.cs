using ConvexInfra.Core.Aws;

namespace ConvexInfra.Core.Ops;

/// <summary>IAM policies of the backup machinery: who may start the export task, and what its execution role reads.</summary>
public static class OpsPolicies
{
    /// <summary>
    /// The EventBridge Scheduler role: run exactly the export task definition (any revision of its family, since
    /// each update registers a new one) on exactly the stack's cluster, and pass the task's two roles to ECS.
    /// </summary>
    public static string SchedulerRunExportTask(string taskDefinitionArn, string clusterArn, IReadOnlyList<string> passRoleArns)
    {
        ArgumentNullException.ThrowIfNull(passRoleArns);
        Require(taskDefinitionArn, ":task-definition/", "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-acme-export:3", nameof(taskDefinitionArn));
        Require(clusterArn, ":cluster/", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-acme-ops", nameof(clusterArn));
        if (passRoleArns.Count == 0)
        {
            throw new ArgumentException("passRoleArns: got an empty list; expected the export task's execution role ARN (and task role ARN).", nameof(passRoleArns));
        }

        var family = AnyRevision(taskDefinitionArn);
        return PolicyDocument.Render(
        [
            new("RunExportTask", "Allow", ["ecs:RunTask"], [family],
                Conditions: [new PolicyCondition("ArnEquals", "ecs:cluster", clusterArn)]),
            new("PassExportTaskRoles", "Allow", ["iam:PassRole"], passRoleArns.Distinct(StringComparer.Ordinal).ToList(),
                Conditions: [new PolicyCondition("StringEquals", "iam:PassedToService", "ecs-tasks.amazonaws.com")]),
        ]);
    }

    /// <summary>The alarm topic's policy: the account may use it as usual, and EventBridge may publish task-stopped events.</summary>
    public static string AlarmTopicPolicy(string topicArn, string accountId)
    {
        Require(topicArn, ":sns:", "arn:aws:sns:eu-west-1:123456789012:prod-acme-alarms", nameof(topicArn));
        return PolicyDocument.Render(
        [
            new("EventBridgePublishes", "Allow", ["sns:Publish"], [topicArn], ServicePrincipal: "events.amazonaws.com",
                Conditions: [new PolicyCondition("StringEquals", "aws:SourceAccount", accountId)]),
            new("CloudWatchAlarmsPublish", "Allow", ["sns:Publish"], [topicArn], ServicePrincipal: "cloudwatch.amazonaws.com",
                Conditions: [new PolicyCondition("StringEquals", "aws:SourceAccount", accountId)]),
        ]);
    }

    /// <summary>
    /// EventBridge pattern: a task of <paramref name="clusterArn"/> stopped with a container exit code other than 0
    /// (137 = killed, usually out of memory; includes failed exports and crashed backends).
    /// </summary>
    public static string TaskStoppedPattern(string clusterArn)
    {
        Require(clusterArn, ":cluster/", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-acme-ops", nameof(clusterArn));
        return System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["source"] = new[] { "aws.ecs" },
            ["detail-type"] = new[] { "ECS Task State Change" },
            ["detail"] = new Dictionary<string, object>
            {
                ["clusterArn"] = new[] { clusterArn },
                ["lastStatus"] = new[] { "STOPPED" },
                ["containers"] = new Dictionary<string, object> { ["exitCode"] = new object[] { new Dictionary<string, int> { ["anything-but"] = 0 } } },
            },
        });
    }

    /// <summary><c>…:task-definition/fam:7</c> or <c>…:task-definition/fam</c> → <c>…:task-definition/fam:*</c>.</summary>
    public static string AnyRevision(string taskDefinitionArn)
    {
        ArgumentNullException.ThrowIfNull(taskDefinitionArn);
        var marker = taskDefinitionArn.IndexOf(":task-definition/", StringComparison.Ordinal);
        var tail = marker < 0 ? string.Empty : taskDefinitionArn[(marker + ":task-definition/".Length)..];
        var family = tail.Split(':')[0];
        if (marker < 0 || family.Length == 0)
        {
            throw new ArgumentException(
                $"taskDefinitionArn: got '{taskDefinitionArn}'; expected an ECS task definition ARN. Example: arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-acme-export:3",
                nameof(taskDefinitionArn));
        }

        return $"{taskDefinitionArn[..marker]}:task-definition/{family}:*";
    }

    private static void Require(string arn, string marker, string example, string name)
    {
        ArgumentNullException.ThrowIfNull(arn, name);
        if (!arn.StartsWith("arn:", StringComparison.Ordinal) || !arn.Contains(marker, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{name}: got '{arn}'; expected an ARN containing '{marker}'. Example: {example}", name);
        }
    }
}
