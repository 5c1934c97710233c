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

    /// <summary><c>iam:PassRole</c> of the role whose name (not ARN) is the input named by <see cref="IamAction.Input"/> (an instance profile's <c>role</c>).</summary>
    RoleNameInput,

    /// <summary>A Route 53 change (<c>arn:…:route53:::change/…</c>), which <c>ChangeResourceRecordSets</c> hands back.</summary>
    Route53Change,

    /// <summary>The objects of the bucket (<c>arn:…:s3:::bucket/*</c>).</summary>
    BucketObjects,

    /// <summary>
    /// The KMS key whose ARN is the input named by <see cref="IamAction.Input"/>, used by another service on the
    /// caller's behalf (a SecureString's key: SSM encrypts and decrypts with it, <c>kms:ViaService</c>).
    /// </summary>
    KmsKeyOfInput,
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
/// The actions one Pulumi resource type needs, by phase, each with its citation (<see cref="Calls"/>). The phase lists
/// hold the granted calls only: <see cref="Read"/> is what <c>pulumi refresh</c> (and so the preview role's drift check)
/// calls; <c>pulumi up</c> needs all of them. <see cref="Source"/> is the provider file of the type.
/// </summary>
public sealed record IamResourceActions(string Type, string File, IReadOnlyList<IamCall> Calls)
{
    public string Source => "terraform-provider-aws " + File;

    public IReadOnlyList<IamAction> Create => Granted(IamPhase.Create);

    public IReadOnlyList<IamAction> Read => Granted(IamPhase.Read);

    public IReadOnlyList<IamAction> Update => Granted(IamPhase.Update);

    public IReadOnlyList<IamAction> Delete => Granted(IamPhase.Delete);

    public IReadOnlyList<IamAction> Tag => Granted(IamPhase.Tag);

    public IEnumerable<IamAction> All => Calls.Where(c => c.Granted).Select(c => c.Action);

    private List<IamAction> Granted(IamPhase phase) => Calls.Where(c => c.Phase == phase && c.Granted).Select(c => c.Action).ToList();
}

/// <summary>The actions an invoke (data source) needs; every phase calls it.</summary>
public sealed record IamInvokeActions(string Token, string File, IReadOnlyList<IamCall> Calls, string? Note)
{
    public IReadOnlyList<IamAction> Actions => Calls.Where(c => c.Granted).Select(c => c.Action).ToList();
}

/// <summary>Which part of a resource's life makes a call; <see cref="Tag"/> is the tagging helpers (create and update).</summary>
public enum IamPhase
{
    Create,
    Read,
    Update,
    Delete,
    Tag,
}

/// <summary>Why a call is made only sometimes.</summary>
public enum IamConditionKind
{
    /// <summary>The first time in an account (a service-linked role the service creates on the caller's behalf).</summary>
    FirstUse,

    /// <summary>Only when a given input changes.</summary>
    FieldChange,

    /// <summary>Only when the call before it fails in a documented way.</summary>
    Fallback,

    /// <summary>Only for leftovers of other services.</summary>
    Cleanup,

    /// <summary>Only with a given input value.</summary>
    Setting,
}

/// <summary>The condition under which a call is made.</summary>
public sealed record IamCallCondition(IamConditionKind Kind, string When);

/// <summary>
/// One AWS call the provider makes for a type: the action, the phase, the provider file and function it is made in
/// (<c>resourceXCreate → finder</c>), the condition it is made on (null: always), and whether the CI policies grant it
/// (false: docs/cicd.md names who must).
/// </summary>
public sealed record IamCall(IamAction Action, IamPhase Phase, string File, string Function, IamCallCondition? Condition, bool Granted);

/// <summary>
/// A command the program runs on the machine that runs <c>pulumi up</c> (Command.Local), e.g. <c>aws ecs run-task</c>:
/// the AWS CLI call (<c>service operation</c>, or <c>service wait waiter</c>) and the actions it needs. The ARN it
/// acts on is built from the command's environment.
/// </summary>
public sealed record IamRunnerCommand(string Call, IReadOnlyList<IamAction> Actions, Func<RegisteredResource, IamTarget, string> Arn, string Source)
{
    /// <summary>The command's environment variable that names the region the call is made in; null: <c>REGION</c> (or <c>AWS_REGION</c>, else the stack's).</summary>
    public string? RegionVariable { get; init; }

    /// <summary>The service that uses a KMS key on the caller's behalf in this call (<c>kms:ViaService</c> = SERVICE.REGION.amazonaws.com).</summary>
    public string? ViaService { get; init; }
}

/// <summary>
/// A resource type a command replaced through an alias (<see cref="IamActionMap.Superseded"/>): the command's name
/// ending, the old type, and the command's environment variable naming the region the old resource lived in.
/// </summary>
public sealed record IamSupersededType(string NameEnding, string Type, string RegionVariable);
