using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// Who may use the stack key through SSM besides the stack's runtime roles: whoever runs <c>pulumi</c> (the caller the
/// AWS provider reports) and the roles named in <c>deployRoles</c> (the CI deploy and preview roles, so a preview or a
/// drift refresh by one of them neither fails nor shows a policy change). They become <c>aws:PrincipalArn</c> patterns
/// of the key policy, a condition rather than principals, so a named role that does not exist yet is no error.
/// <para>
/// A caller that assumed a role is known by its session ARN (<c>arn:aws:sts::…:assumed-role/NAME/SESSION</c>), but
/// <c>aws:PrincipalArn</c> is the role's ARN, path included (IAM Identity Center roles live under
/// <c>/aws-reserved/sso.amazonaws.com/…</c>). A role name is unique in its account whatever the path, so the two
/// patterns <c>role/NAME</c> and <c>role/*/NAME</c> name exactly that role without an <c>iam:GetRole</c> call (what
/// the provider's <c>getSessionContext</c> would make, needing one more permission on the caller's own role).
/// </para>
/// </summary>
public static partial class KeyDeployers
{
    /// <summary>The <c>aws:PrincipalArn</c> patterns of the caller and the configured roles, sorted and without repeats.</summary>
    public static IReadOnlyList<string> Patterns(AwsAccountContext ctx, string callerArn, IReadOnlyList<string> deployRoles)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(deployRoles);
        return OfCaller(ctx, callerArn).Concat(deployRoles.SelectMany(r => OfRole(ctx, r)))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The caller's principal: its role for an assumed-role session, else the ARN itself (user, root, federated user).</summary>
    public static IReadOnlyList<string> OfCaller(AwsAccountContext ctx, string callerArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var caller = CallerPattern().Match(callerArn ?? "");
        if (!caller.Success || caller.Groups["partition"].Value != ctx.Partition || caller.Groups["account"].Value != ctx.AccountId)
        {
            throw new ArgumentException(
                $"callerArn: got '{callerArn}'; expected the ARN of an identity of account {ctx.AccountId} as sts:GetCallerIdentity reports it. Example: arn:{ctx.Partition}:sts::{ctx.AccountId}:assumed-role/convex-infra-github-deploy-prod/GitHubActions",
                nameof(callerArn));
        }

        return caller.Groups["role"].Success
            ? RolePatterns(ctx, caller.Groups["role"].Value)
            : [callerArn!];
    }

    /// <summary>A configured role: a name in the stack's account (any path), or an exact ARN of that account.</summary>
    public static IReadOnlyList<string> OfRole(AwsAccountContext ctx, string nameOrArn)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(nameOrArn);
        if (!nameOrArn.StartsWith("arn:", StringComparison.Ordinal))
        {
            return RolePatterns(ctx, nameOrArn);
        }

        var prefix = $"arn:{ctx.Partition}:iam::{ctx.AccountId}:role/";
        return nameOrArn.StartsWith(prefix, StringComparison.Ordinal) && nameOrArn.Length > prefix.Length
            ? [nameOrArn]
            : throw new ArgumentException(
                $"deployRoles: got '{nameOrArn}'; expected a role of the stack's account {ctx.AccountId} (only its principals can use the stack key). Example: {prefix}convex-infra-github-deploy-prod",
                nameof(nameOrArn));
    }

    private static string[] RolePatterns(AwsAccountContext ctx, string name) =>
        [$"arn:{ctx.Partition}:iam::{ctx.AccountId}:role/{name}", $"arn:{ctx.Partition}:iam::{ctx.AccountId}:role/*/{name}"];

    // sts assumed-role sessions, IAM users (any path), the root user and federated users.
    [GeneratedRegex(@"^arn:(?<partition>aws(-[a-z]+)*):(sts::(?<account>[0-9]{12}):(assumed-role/(?<role>[\w+=,.@-]{1,64})/[\w+=,.@-]+|federated-user/[\w+=,.@-]+)|iam::(?<account>[0-9]{12}):(user/([\w+=,.@-]+/)*[\w+=,.@-]+|root))$")]
    private static partial Regex CallerPattern();
}
