using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// The one place that says which AWS calls the CI roles make for a stack: per registered resource type
/// (<see cref="IamActionTable"/>), per invoke the program calls, per AWS CLI command the program runs on the runner
/// (Command.Local, e.g. the pre-upgrade export's <c>aws ecs run-task</c>), and for the Pulumi state backend (S3 + KMS).
/// <see cref="Requests"/> turns what a stack registered into the exact requests (action, ARN, region, context keys) so
/// a test can evaluate <c>docs/cicd/permissions-*.json</c> against them (<see cref="IamPolicy"/>).
/// Types without AWS calls (components, providers, random, tls, docker, command) need nothing.
/// </summary>
public static partial class IamActionMap
{
    /// <summary>Services whose endpoint is global: their requests carry <c>aws:RequestedRegion = us-east-1</c>.</summary>
    public static IReadOnlySet<string> GlobalServices { get; } = new HashSet<string>(StringComparer.Ordinal) { "iam", "route53" };

    /// <summary>
    /// Actions without resource-level permissions (Service Authorization Reference: resource type "*"): their request
    /// Resource is <c>*</c>, so only a statement with <c>"Resource": "*"</c> allows them. Every EC2 and Elastic Load
    /// Balancing <c>Describe*</c> action is one too.
    /// </summary>
    public static IReadOnlySet<string> AccountLevel { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "acm:RequestCertificate", "ssm:DescribeParameters", "route53:CreateHealthCheck", "ecs:CreateCluster",
        "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition", "ecs:DeregisterTaskDefinition", "logs:DescribeLogGroups",
        "cloudwatch:DescribeAlarms", "ec2:CreateVpc", "ec2:AllocateAddress", "ec2:CreateInternetGateway",
        "kms:CreateKey", "kms:ListAliases",
    };

    /// <summary>Type-token prefixes whose resources make no AWS call of their own.</summary>
    public static IReadOnlyList<string> NoAwsCalls { get; } =
        ["convex-infra:", "pulumi:", "random:", "tls:", "docker:", "command:"];

    public static IReadOnlyDictionary<string, IamResourceActions> ResourceTypes { get; } =
        IamActionTable.Resources.ToDictionary(r => r.Type, StringComparer.Ordinal);

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

    /// <summary>Invokes (data sources) and the actions they need; every phase calls them (Data/iam-actions.json).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<IamAction>> Invokes { get; } =
        IamActionTable.Invokes.ToDictionary(i => i.Key, i => i.Value.Actions, StringComparer.Ordinal);

    /// <summary>The provider files whose CRUD functions were read line by line for the table (Data/iam-actions.json).</summary>
    public static IReadOnlyList<string> ReadInSource => IamActionTable.ReadInSource;

    /// <summary>The resource files not yet re-read in the provider's source (Data/iam-actions.json).</summary>
    public static IReadOnlyList<string> Unread => IamActionTable.Unread;

    /// <summary>The invokes with their citations.</summary>
    public static IReadOnlyDictionary<string, IamInvokeActions> InvokeSources => IamActionTable.Invokes;

    /// <summary>
    /// The requests <paramref name="role"/> makes for a stack that registered <paramref name="resources"/> and called
    /// <paramref name="invokes"/>. Throws naming every type, invoke or CLI call this map does not know, so the map
    /// must grow with the program.
    /// </summary>
    public static IReadOnlyList<IamRequest> Requests(IamTarget target, IReadOnlyList<RegisteredResource> resources, IReadOnlyList<RegisteredInvoke> invokes, IamRole role)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(invokes);
        var requests = new List<IamRequest>(StateBackend(target, role));
        var unknown = new SortedSet<string>(StringComparer.Ordinal);

        foreach (var invoke in invokes)
        {
            if (!Invokes.TryGetValue(invoke.Token, out var actions))
            {
                unknown.Add($"invoke {invoke.Token}");
                continue;
            }

            var name = invoke.Arguments.GetValueOrDefault("name") ?? "";
            var arn = name.StartsWith("/aws/service/", StringComparison.Ordinal)
                ? $"arn:{target.Partition}:ssm:{target.Region}::parameter{name}"
                : $"arn:{target.Partition}:ssm:{target.Region}:{target.AccountId}:parameter/{name.TrimStart('/')}";
            var facts = new Facts(target, target.Region, new RegisteredResource(invoke.Token, invoke.Token, name, invoke.Arguments), arn, resources);
            requests.AddRange(actions.Select(a => Request(a, facts, $"invoke {invoke.Token}")).OfType<IamRequest>());
        }

        foreach (var resource in resources)
        {
            if (resource.Type.StartsWith("command:local:Command", StringComparison.Ordinal))
            {
                if (role == IamRole.Deploy)
                {
                    requests.AddRange(CommandRequests(target, resource, resources, unknown));
                }

                requests.AddRange(SupersededRequests(target, resource, resources, role));
                continue;
            }

            if (NoAwsCalls.Any(prefix => resource.Type.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            if (!ResourceTypes.TryGetValue(resource.Type, out var rule))
            {
                unknown.Add($"resource type {resource.Type}");
                continue;
            }

            var region = resource.Input("region") ?? target.Region;
            var facts = new Facts(target, region, resource, IamArns.Of(resource, target, region), resources);
            var actions = role == IamRole.Deploy ? rule.All : rule.Read.Concat(rule.Tag.Where(IsRead));
            requests.AddRange(actions.Distinct().Select(a => Request(a, facts, $"{resource.Type} {resource.LogicalName}")).OfType<IamRequest>());
        }

        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                "The IAM action map (components/ConvexInfra.Core/Data/iam-actions.json, read by IamActionTable.cs; IamActionMap.cs) does not know: "
                + string.Join("; ", unknown) + ". Add the calls its create, read, update and delete make, each with its provider file and function.");
        }

        return requests;
    }

    /// <summary>A read-only action (what the preview role may have): Describe/Get/List, or kms:Decrypt of the state.</summary>
    public static bool IsRead(IamAction action) => ReadVerb().IsMatch(action?.Name ?? "");

    private static IEnumerable<IamRequest> StateBackend(IamTarget target, IamRole role)
    {
        // The diy backend (pulumi/pkg/backend/diy): lists and reads .pulumi/, reads and writes the stack's checkpoint,
        // history, backups and lock; secrets go through the stack's KMS key (awskms:// secrets provider).
        var bucket = $"arn:{target.Partition}:s3:::{target.StateBucket}";
        var stackPath = $"{bucket}/.pulumi/stacks/{target.ProjectName}/{target.StackName}.json";
        var none = new Dictionary<string, string>();
        yield return new IamRequest("s3:ListBucket", bucket, new Dictionary<string, string> { ["s3:prefix"] = $".pulumi/stacks/{target.ProjectName}/" }, "state backend: list stacks");
        yield return new IamRequest("s3:GetObject", $"{bucket}/.pulumi/meta.yaml", none, "state backend: layout version");
        yield return new IamRequest("s3:GetObject", stackPath, none, "state backend: read the checkpoint");
        yield return new IamRequest("kms:Decrypt", target.StateKmsKeyArn, Region(target.Region), "secrets provider: decrypt the stack's secrets");
        if (role == IamRole.Deploy)
        {
            yield return new IamRequest("s3:PutObject", stackPath, none, "state backend: write the checkpoint");
            yield return new IamRequest("s3:PutObject", $"{bucket}/.pulumi/locks/{target.ProjectName}/{target.StackName}/lock.json", none, "state backend: take the lock");
            yield return new IamRequest("s3:DeleteObject", $"{bucket}/.pulumi/locks/{target.ProjectName}/{target.StackName}/lock.json", none, "state backend: release the lock");
            yield return new IamRequest("kms:Encrypt", target.StateKmsKeyArn, Region(target.Region), "secrets provider: encrypt new secrets");

            // deploy-stack.yml keeps the deployed commit in a stack tag (.github/scripts/deployed-commit.sh); the diy
            // backend stores tags in a file next to the checkpoint (Pulumi CLI 3.211.0+).
            var tags = $"{bucket}/.pulumi/stacks/{target.ProjectName}/{target.StackName}.pulumi-tags";
            yield return new IamRequest("s3:GetObject", tags, none, "state backend: read the deployed-commit stack tag");
            yield return new IamRequest("s3:PutObject", tags, none, "state backend: record the deployed commit in a stack tag");
        }
    }

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

    /// <summary>The request for one action; null for a PassRole whose role input the resource leaves unset (nothing is passed).</summary>
    private static IamRequest? Request(IamAction action, Facts facts, string why)
    {
        if (action.On is IamOn.RoleArnInput or IamOn.RoleNameInput or IamOn.KmsKeyOfInput && facts.Resource.Input(action.Input!) is null)
        {
            return null;
        }

        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["aws:RequestedRegion"] = GlobalServices.Contains(action.Service) && action.PassedToService is null ? "us-east-1" : facts.Region,
        };
        if (action.PassedToService is { } service)
        {
            context["iam:PassedToService"] = service;
        }

        // Tag conditions see the resource's stack tag: aws:ResourceTag, and rds:db-tag, RDS's own name for a DB
        // instance's tags (Amazon RDS User Guide, "Specifying conditions: Using custom tags").
        if (facts.Resource.Input($"tags.{Naming.ResourceNames.StackTagKey}") is { } stackTag)
        {
            context[$"aws:ResourceTag/{Naming.ResourceNames.StackTagKey}"] = stackTag;
            if (action.Service == "rds")
            {
                context[$"rds:db-tag/{Naming.ResourceNames.StackTagKey}"] = stackTag;
            }
        }

        // The boundary a role is created with or given: the deploy role allows only the stack's own (docs/cicd/).
        if (action.Name is "iam:CreateRole" or "iam:PutRolePermissionsBoundary" && facts.Resource.Input("permissionsBoundary") is { } boundary)
        {
            context["iam:PermissionsBoundary"] = boundary;
        }

        // A call on a key is judged by the key's own tags (an alias has none).
        if (action.On == IamOn.KmsKeyOfInput && facts.Resource.Input(action.Input!) is { } keyRef
            && facts.All.FirstOrDefault(r => r.Type == "aws:kms/key:Key" && (r.Id == keyRef || keyRef.EndsWith("/" + r.Id, StringComparison.Ordinal))) is { } key
            && key.Input($"tags.{Naming.ResourceNames.StackTagKey}") is { } keyTag)
        {
            context[$"aws:ResourceTag/{Naming.ResourceNames.StackTagKey}"] = keyTag;
        }

        if (action.On == IamOn.KmsKeyOfInput && !facts.Resource.Type.StartsWith("aws:kms/", StringComparison.Ordinal))
        {
            context["kms:ViaService"] = $"{facts.ViaService ?? facts.Resource.Type.Split(':')[1].Split('/')[0]}.{facts.Region}.amazonaws.com";
        }

        if (action.ServiceName is { } linked)
        {
            context["iam:AWSServiceName"] = linked;
        }

        var resource = action.On switch
        {
            IamOn.RoleArnInput => facts.Resource.Input(action.Input!)!,
            IamOn.KmsKeyOfInput => KeyArn(facts, facts.Resource.Input(action.Input!)!),
            IamOn.RoleOfInstanceProfile => RoleOfProfile(facts, action),
            IamOn.RoleNameInput => $"arn:{facts.Target.Partition}:iam::{facts.Target.AccountId}:role/{facts.Resource.Input(action.Input!)}",
            IamOn.BucketObjects => $"{facts.Arn}/0123456789abcdef/object",
            IamOn.Route53Change => $"arn:{facts.Target.Partition}:route53:::change/C0123456789ABCDEFGHIJ",
            _ when action.Name == "iam:CreateServiceLinkedRole" => $"arn:{facts.Target.Partition}:iam::{facts.Target.AccountId}:role/aws-service-role/{action.ServiceName}/AWSServiceRole",
            _ when AccountLevel.Contains(action.Name) || DescribeEverywhere().IsMatch(action.Name) => "*",
            _ => facts.Arn,
        };
        // A call on another resource (a subscription's Subscribe on its topic, a rule's CreateRule on its listener)
        // is judged by that resource's tags, as AWS judges aws:ResourceTag on the resource in the request.
        var stackTagKey = $"aws:ResourceTag/{Naming.ResourceNames.StackTagKey}";
        if (!context.ContainsKey(stackTagKey) && resource != "*"
            && facts.All.FirstOrDefault(r => r.Id == resource || r.Input("arn") == resource) is { } target
            && target.Input($"tags.{Naming.ResourceNames.StackTagKey}") is { } targetTag)
        {
            context[stackTagKey] = targetTag;
        }

        return new IamRequest(action.Name, resource, context, why);
    }

    /// <summary>A key input holds the key's ARN or its bare id (an alias's <c>targetKeyId</c>).</summary>
    private static string KeyArn(Facts facts, string key) =>
        key.StartsWith("arn:", StringComparison.Ordinal) ? key : $"arn:{facts.Target.Partition}:kms:{facts.Region}:{facts.Target.AccountId}:key/{key}";

    private static string RoleOfProfile(Facts facts, IamAction action)
    {
        var profileName = facts.Resource.Input(action.Input!) ?? throw Missing(facts, action);
        var profile = facts.All.FirstOrDefault(r => r.Type == "aws:iam/instanceProfile:InstanceProfile" && (r.Id == profileName || r.Input("name") == profileName));
        var role = profile?.Input("role") ?? throw new InvalidOperationException(
            $"{facts.Resource.Type} {facts.Resource.LogicalName}: instance profile '{profileName}' or its role is not among the registered resources");
        return $"arn:{facts.Target.Partition}:iam::{facts.Target.AccountId}:role/{role}";
    }

    private static InvalidOperationException Missing(Facts facts, IamAction action) =>
        new($"{facts.Resource.Type} {facts.Resource.LogicalName}: {action.Name} needs the input '{action.Input}', which the resource does not set");

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

    private static Dictionary<string, string> Region(string region) => new(StringComparer.Ordinal) { ["aws:RequestedRegion"] = region };

    private static string SourceDbArn(RegisteredResource command, IamTarget target) =>
        command.Input("environment.SOURCE_DB_ARN") ?? $"arn:{target.Partition}:rds:{target.Region}:{target.AccountId}:db:*";

    private static string CopyAutomatedBackupArn(RegisteredResource command, IamTarget target)
    {
        var region = command.Input("environment.COPY_REGION") ?? target.Region;
        return $"arn:{target.Partition}:rds:{region}:{target.AccountId}:auto-backup:ab-0123456789abcdefghijklmnopqrstuvwxyz0123";
    }

    /// <summary>What one request is judged on; <paramref name="ViaService"/> names the service that uses a KMS key for the caller when the resource's type does not (a runner command).</summary>
    private sealed record Facts(IamTarget Target, string Region, RegisteredResource Resource, string Arn, IReadOnlyList<RegisteredResource> All, string? ViaService = null);

    [GeneratedRegex(@"\baws\s+((?:[a-z0-9-]+)\s+(?:wait\s+)?[a-z0-9-]+)")]
    private static partial Regex AwsCliCall();

    [GeneratedRegex(@"^(ec2|elasticloadbalancing):Describe")]
    private static partial Regex DescribeEverywhere();

    [GeneratedRegex(@":(Describe|Get|List)[A-Za-z]*$")]
    private static partial Regex ReadVerb();
}
