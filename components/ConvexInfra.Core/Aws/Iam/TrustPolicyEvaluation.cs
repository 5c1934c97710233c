namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// Whether a role's trust policy lets a principal assume it, the way STS decides for a web identity: a Deny naming the
/// principal refuses; else an Allow naming it (its ARN, e.g. the GitHub OIDC provider, or <c>*</c>) whose action and
/// conditions (<c>token.actions.githubusercontent.com:sub</c>, <c>:aud</c>) match allows; nothing else does.
/// </summary>
public static class TrustPolicyEvaluation
{
    public static IamDecision Evaluate(IamPolicy trustPolicy, string principal, IamRequest request)
    {
        ArgumentNullException.ThrowIfNull(trustPolicy);
        ArgumentException.ThrowIfNullOrWhiteSpace(principal);
        ArgumentNullException.ThrowIfNull(request);

        var matching = trustPolicy.Statements
            .Where(s => s.Principals.Any(p => p == "*" || p == principal) && s.Matches(request))
            .ToList();
        if (matching.Any(s => s.Effect == IamEffect.Deny))
        {
            return IamDecision.ExplicitDeny;
        }

        return matching.Any(s => s.Effect == IamEffect.Allow) ? IamDecision.Allowed : IamDecision.ImplicitDeny;
    }
}
