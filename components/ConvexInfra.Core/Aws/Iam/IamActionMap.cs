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

    private static Dictionary<string, string> Region(string region) => new(StringComparer.Ordinal) { ["aws:RequestedRegion"] = region };

    /// <summary>What one request is judged on; <paramref name="ViaService"/> names the service that uses a KMS key for the caller when the resource's type does not (a runner command).</summary>
    private sealed record Facts(IamTarget Target, string Region, RegisteredResource Resource, string Arn, IReadOnlyList<RegisteredResource> All, string? ViaService = null);

    [GeneratedRegex(@"^(ec2|elasticloadbalancing):Describe")]
    private static partial Regex DescribeEverywhere();

    [GeneratedRegex(@":(Describe|Get|List)[A-Za-z]*$")]
    private static partial Regex ReadVerb();
}
