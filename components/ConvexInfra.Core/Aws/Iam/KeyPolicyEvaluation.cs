namespace ConvexInfra.Core.Aws.Iam;

/// <summary>
/// Whether an IAM principal of the key's own account may make a KMS request, the way AWS KMS decides it: an explicit
/// Deny in the key policy or in the principal's identity policies refuses; else the key policy must allow it, either
/// by naming the principal (its ARN or <c>*</c>), or by naming the account (<c>arn:…:root</c> or the account id), which
/// hands the decision to the principal's identity policies (one of them must then allow it too). Without either,
/// identity policies alone never suffice. Cross-account principals and grants are out of scope (the stack uses neither).
/// </summary>
public static class KeyPolicyEvaluation
{
    public static IamDecision Evaluate(
        IamPolicy keyPolicy,
        string principalArn,
        string accountId,
        IReadOnlyList<IamPolicy> identityPolicies,
        IamRequest request)
    {
        ArgumentNullException.ThrowIfNull(keyPolicy);
        ArgumentException.ThrowIfNullOrWhiteSpace(principalArn);
        ArgumentException.ThrowIfNullOrWhiteSpace(accountId);
        ArgumentNullException.ThrowIfNull(identityPolicies);
        ArgumentNullException.ThrowIfNull(request);

        bool Names(IamStatement s, bool account) => s.Principals.Any(p => account
            ? p == accountId || (p.StartsWith("arn:", StringComparison.Ordinal) && p.EndsWith($":iam::{accountId}:root", StringComparison.Ordinal))
            : p == "*" || p == principalArn);

        var matching = keyPolicy.Statements.Where(s => s.Matches(request)).ToList();
        var identity = identityPolicies.Select(p => p.Evaluate(request)).ToList();
        if (matching.Any(s => s.Effect == IamEffect.Deny && (Names(s, false) || Names(s, true))) || identity.Contains(IamDecision.ExplicitDeny))
        {
            return IamDecision.ExplicitDeny;
        }

        var allows = matching.Where(s => s.Effect == IamEffect.Allow).ToList();
        if (allows.Any(s => Names(s, false)))
        {
            return IamDecision.Allowed;
        }

        return allows.Any(s => Names(s, true)) && identity.Contains(IamDecision.Allowed) ? IamDecision.Allowed : IamDecision.ImplicitDeny;
    }
}
