namespace ConvexInfra.Core.Aws;

/// <summary>
/// What the SSM agent on the EC2 host needs for Session Manager, taken from the AWS managed policy
/// <c>AmazonSSMManagedInstanceCore</c> (<see cref="AwsManagedPolicies"/>; its text is kept as data): registering the
/// instance (<c>ssm:UpdateInstanceInformation</c>), the session channels (<c>ssmmessages:*</c> of the managed policy)
/// and the agent's message channel (<c>ec2messages:*</c> of the managed policy). Left out: <c>ssm:GetParameter</c> and
/// <c>ssm:GetParameters</c> on every parameter of the account (the host reads its own through its backend-access
/// policy), and State Manager, inventory, patching and compliance, which this stack does not use. These actions have
/// no resource-level permissions (AWS's own policy grants them on <c>*</c>), so <c>*</c> is the only resource.
/// </summary>
public static class SessionManagerPolicy
{
    public static IReadOnlyList<string> RegisterActions { get; } = ["ssm:UpdateInstanceInformation"];

    public static IReadOnlyList<string> SessionChannelActions { get; } =
    [
        "ssmmessages:CreateControlChannel",
        "ssmmessages:CreateDataChannel",
        "ssmmessages:OpenControlChannel",
        "ssmmessages:OpenDataChannel",
    ];

    public static IReadOnlyList<string> AgentMessageActions { get; } =
    [
        "ec2messages:AcknowledgeMessage",
        "ec2messages:DeleteMessage",
        "ec2messages:FailMessage",
        "ec2messages:GetEndpoint",
        "ec2messages:GetMessages",
        "ec2messages:SendReply",
    ];

    public static string Render() => PolicyDocument.Render(
    [
        new("SessionManagerRegister", "Allow", RegisterActions, ["*"]),
        new("SessionManagerChannels", "Allow", SessionChannelActions, ["*"]),
        new("SessionManagerAgentMessages", "Allow", AgentMessageActions, ["*"]),
    ]);
}
