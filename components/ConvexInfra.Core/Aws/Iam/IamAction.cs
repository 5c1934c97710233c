namespace ConvexInfra.Core.Aws.Iam;

/// <summary>What an action acts on, i.e. the request's Resource.</summary>
public enum IamOn
{
    /// <summary>The resource's own ARN, or <c>*</c> when the action has no resource-level permission (<see cref="IamActionMap.AccountLevel"/>).</summary>
    Self,

    /// <summary><c>iam:PassRole</c> of the role whose ARN is the input named by <see cref="IamAction.Input"/>.</summary>
    RoleArnInput,

    /// <summary><c>iam:PassRole</c> of the role in the instance profile named by the input <see cref="IamAction.Input"/>.</summary>
    RoleOfInstanceProfile,

    /// <summary>A Route 53 change (<c>arn:…:route53:::change/…</c>), which <c>ChangeResourceRecordSets</c> hands back.</summary>
    Route53Change,

    /// <summary>The objects of the bucket (<c>arn:…:s3:::bucket/*</c>).</summary>
    BucketObjects,
}

/// <summary>
/// One IAM action a resource type or command needs. <see cref="PassedToService"/> sets <c>iam:PassedToService</c>
/// for <c>iam:PassRole</c>; <see cref="ServiceName"/> sets <c>iam:AWSServiceName</c> for
/// <c>iam:CreateServiceLinkedRole</c>.
/// </summary>
public sealed record IamAction(string Name, IamOn On = IamOn.Self, string? Input = null, string? PassedToService = null, string? ServiceName = null)
{
    public static implicit operator IamAction(string name) => new(name);

    public string Service => Name[..Name.IndexOf(':', StringComparison.Ordinal)];

    public static IamAction PassRole(string roleArnInput, string toService) => new("iam:PassRole", IamOn.RoleArnInput, roleArnInput, toService);

    public static IamAction ServiceLinkedRole(string serviceName) => new("iam:CreateServiceLinkedRole", ServiceName: serviceName);
}

/// <summary>
/// The actions one Pulumi resource type needs, by phase. <see cref="Read"/> is what <c>pulumi refresh</c> (and so the
/// preview role's drift check) calls; <c>pulumi up</c> needs all of them. <see cref="Source"/> says where they come from.
/// </summary>
public sealed record IamResourceActions(
    string Type,
    IReadOnlyList<IamAction> Create,
    IReadOnlyList<IamAction> Read,
    IReadOnlyList<IamAction> Update,
    IReadOnlyList<IamAction> Delete,
    IReadOnlyList<IamAction> Tag,
    string Source)
{
    public IEnumerable<IamAction> All => Create.Concat(Read).Concat(Update).Concat(Delete).Concat(Tag);
}

/// <summary>
/// A command the program runs on the machine that runs <c>pulumi up</c> (Command.Local), e.g. <c>aws ecs run-task</c>:
/// the AWS CLI call (<c>service operation</c>, or <c>service wait waiter</c>) and the actions it needs. The ARN it
/// acts on is built from the command's environment.
/// </summary>
public sealed record IamRunnerCommand(string Call, IReadOnlyList<IamAction> Actions, Func<RegisteredResource, IamTarget, string> Arn, string Source);
