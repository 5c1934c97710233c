using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// The AWS CLI calls the program's commands (Command.Local) make on the machine running <c>pulumi up</c>, found in
/// their scripts, with the actions and resources each needs; and the resource types such a command replaced, whose
/// state stacks created before still hold.
/// </summary>
public static partial class IamActionMap
{
    /// <summary>AWS CLI calls the program's commands make on the runner, with the actions each needs.</summary>
    public static IReadOnlyList<IamRunnerCommand> RunnerCommands { get; } =
    [
        new("ecs run-task", ["ecs:RunTask", IamAction.PassRole("taskRoleArn", "ecs-tasks.amazonaws.com"), IamAction.PassRole("executionRoleArn", "ecs-tasks.amazonaws.com")],
            (command, _) => command.Input("environment.TASK_DEFINITION") ?? "*",
            "AWS CLI ecs run-task = ECS RunTask; RunTask passes the task definition's roles (Service Authorization Reference, Amazon ECS)"),
        new("ecs wait tasks-stopped", ["ecs:DescribeTasks"], TaskArn, "the CLI waiter polls ECS DescribeTasks"),
        new("ecs describe-tasks", ["ecs:DescribeTasks"], TaskArn, "AWS CLI ecs describe-tasks = ECS DescribeTasks"),
        new("ecs stop-task", ["ecs:StopTask"], TaskArn, "AWS CLI ecs stop-task = ECS StopTask (the pre-upgrade export past its deadline)"),
        new("ecs update-service", ["ecs:UpdateService"], ServiceArn, "AWS CLI ecs update-service = ECS UpdateService (the ECS grace-period reset after the first steady state)"),
        new("ssm get-parameter", ["ssm:GetParameter"], StatusParameterArn, "AWS CLI ssm get-parameter = SSM GetParameter (the EC2 release-report wait step)"),
        // SendCommand is authorized on the document and on each target instance (Service Authorization Reference, AWS
        // Systems Manager): one request per resource.
        new("ssm send-command", ["ssm:SendCommand"], ApplyDocumentArn, "AWS CLI ssm send-command = SSM SendCommand, on the document (the EC2 wait step's Run Command)"),
        new("ssm send-command", ["ssm:SendCommand"], TargetInstanceArn, "AWS CLI ssm send-command = SSM SendCommand, on the target instance"),
        // The backup copy's RDS automated backups replication (Ops/rds-backup-replication-*.sh): the source instance is
        // read in its own region, the replication is started, described and stopped in the copy region. Start and stop
        // are authorized on the source instance (Service Authorization Reference, Amazon RDS: resource type db).
        new("rds describe-db-instances", ["rds:DescribeDBInstances"], SourceDbArn,
            "AWS CLI rds describe-db-instances = RDS DescribeDBInstances, in the source region (the replications the source lists)") { RegionVariable = "SOURCE_REGION" },
        new("rds describe-db-instance-automated-backups", ["rds:DescribeDBInstanceAutomatedBackups"], CopyAutomatedBackupArn,
            "AWS CLI rds describe-db-instance-automated-backups = RDS DescribeDBInstanceAutomatedBackups, in the copy region (key and retention of an existing replication)") { RegionVariable = "COPY_REGION" },
        new("rds start-db-instance-automated-backups-replication",
            [
                "rds:StartDBInstanceAutomatedBackupsReplication",
                new IamAction("kms:CreateGrant", IamOn.KmsKeyOfInput, "environment.KMS_KEY_ARN"),
                new IamAction("kms:DescribeKey", IamOn.KmsKeyOfInput, "environment.KMS_KEY_ARN"),
            ],
            SourceDbArn,
            "AWS CLI rds start-db-instance-automated-backups-replication = RDS StartDBInstanceAutomatedBackupsReplication in the copy region with KmsKeyId (RDS creates a grant on, and describes, the copy key for the caller: as the managed resource's create in Data/iam-actions.json)")
        { RegionVariable = "COPY_REGION", ViaService = "rds" },
        new("rds stop-db-instance-automated-backups-replication", ["rds:StopDBInstanceAutomatedBackupsReplication"], SourceDbArn,
            "AWS CLI rds stop-db-instance-automated-backups-replication = RDS StopDBInstanceAutomatedBackupsReplication, in the copy region") { RegionVariable = "COPY_REGION" },
    ];

    /// <summary>
    /// Resource types a command replaced (through an alias, same name and parent): a stack created before still holds
    /// the old resource in its state until its next <c>pulumi up</c>, which deletes it with the old type's calls, and the
    /// drift check's refresh reads it until then. So both roles keep the old type's reads, and the deploy role its
    /// deletes, for the command named with <see cref="IamSupersededType.NameEnding"/>. Once every stack has run
    /// <c>pulumi up</c> after the change, the entry, its table entry in Data/iam-actions.json and the grants only it
    /// needs can go.
    /// </summary>
    public static IReadOnlyList<IamSupersededType> Superseded { get; } =
    [
        new("-backup-copy-database", "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "COPY_REGION"),
    ];

    private static IEnumerable<IamRequest> CommandRequests(IamTarget target, RegisteredResource command, IReadOnlyList<RegisteredResource> all, SortedSet<string> unknown)
    {
        var script = string.Join("\n", new[] { "create", "update", "delete" }.Select(command.Input).OfType<string>());
        var region = command.Input("environment.REGION") ?? command.Input("environment.AWS_REGION") ?? target.Region;
        foreach (Match call in AwsCliCall().Matches(script))
        {
            var key = Regex.Replace(call.Groups[1].Value, @"\s+", " ");
            var matches = RunnerCommands.Where(c => c.Call == key).ToList();
            if (matches.Count == 0)
            {
                unknown.Add($"runner command 'aws {key}' (in {command.LogicalName})");
                continue;
            }

            // The roles RunTask passes are those of the task definition it starts.
            var definition = all.FirstOrDefault(r => r.Type == "aws:ecs/taskDefinition:TaskDefinition"
                && command.Input("environment.TASK_DEFINITION") is { } arn && arn.Contains($":task-definition/{r.Input("family") ?? r.Id}:", StringComparison.Ordinal));
            foreach (var known in matches)
            {
                var callRegion = known.RegionVariable is { } variable ? command.Input($"environment.{variable}") ?? target.Region : region;
                var facts = new Facts(target, callRegion, definition ?? command, known.Arn(command, target), all, known.ViaService);
                foreach (var request in known.Actions.Select(a => Request(a, facts, $"runner: aws {key} in {command.LogicalName}")).OfType<IamRequest>())
                {
                    yield return request;
                }
            }
        }
    }

    /// <summary>The old type's reads (and, for the deploy role, deletes) of a command that replaced it (<see cref="Superseded"/>).</summary>
    private static IEnumerable<IamRequest> SupersededRequests(IamTarget target, RegisteredResource command, IReadOnlyList<RegisteredResource> all, IamRole role)
    {
        foreach (var superseded in Superseded.Where(s => command.LogicalName.EndsWith(s.NameEnding, StringComparison.Ordinal)))
        {
            var rule = ResourceTypes[superseded.Type];
            var region = command.Input($"environment.{superseded.RegionVariable}") ?? target.Region;
            var old = command with { Type = superseded.Type };
            var facts = new Facts(target, region, old, IamArns.Of(old, target, region), all);
            var actions = role == IamRole.Deploy ? rule.Read.Concat(rule.Delete) : rule.Read.Where(IsRead);
            foreach (var request in actions.Distinct().Select(a => Request(a, facts, $"{superseded.Type} {command.LogicalName} (state of stacks created before the command replaced it)")).OfType<IamRequest>())
            {
                yield return request;
            }
        }
    }

    private static string TaskArn(RegisteredResource command, IamTarget target)
    {
        var cluster = command.Input("environment.CLUSTER") ?? "*";
        var clusterName = cluster[(cluster.LastIndexOf('/') + 1)..];
        var region = command.Input("environment.REGION") ?? target.Region;
        return $"arn:{target.Partition}:ecs:{region}:{target.AccountId}:task/{clusterName}/0123456789abcdef0123456789abcdef";
    }

    private static string ServiceArn(RegisteredResource command, IamTarget target)
    {
        var cluster = command.Input("environment.CLUSTER") ?? "*";
        var clusterName = cluster[(cluster.LastIndexOf('/') + 1)..];
        var region = command.Input("environment.REGION") ?? target.Region;
        return $"arn:{target.Partition}:ecs:{region}:{target.AccountId}:service/{clusterName}/{command.Input("environment.SERVICE") ?? "*"}";
    }

    private static string StatusParameterArn(RegisteredResource command, IamTarget target)
    {
        var name = command.Input("environment.STATUS_PARAMETER") ?? "/*";
        var region = command.Input("environment.REGION") ?? target.Region;
        return $"arn:{target.Partition}:ssm:{region}:{target.AccountId}:parameter{name}";
    }

    private static string ApplyDocumentArn(RegisteredResource command, IamTarget target)
    {
        var region = command.Input("environment.REGION") ?? target.Region;
        return $"arn:{target.Partition}:ssm:{region}:{target.AccountId}:document/{command.Input("environment.DOCUMENT_NAME") ?? "*"}";
    }

    private static string TargetInstanceArn(RegisteredResource command, IamTarget target)
    {
        var region = command.Input("environment.REGION") ?? target.Region;
        return $"arn:{target.Partition}:ec2:{region}:{target.AccountId}:instance/{command.Input("environment.INSTANCE_ID") ?? "*"}";
    }

    private static string SourceDbArn(RegisteredResource command, IamTarget target) =>
        command.Input("environment.SOURCE_DB_ARN") ?? $"arn:{target.Partition}:rds:{target.Region}:{target.AccountId}:db:*";

    private static string CopyAutomatedBackupArn(RegisteredResource command, IamTarget target)
    {
        var region = command.Input("environment.COPY_REGION") ?? target.Region;
        return $"arn:{target.Partition}:rds:{region}:{target.AccountId}:auto-backup:ab-0123456789abcdefghijklmnopqrstuvwxyz0123";
    }

    [GeneratedRegex(@"\baws\s+((?:[a-z0-9-]+)\s+(?:wait\s+)?[a-z0-9-]+)")]
    private static partial Regex AwsCliCall();
}
