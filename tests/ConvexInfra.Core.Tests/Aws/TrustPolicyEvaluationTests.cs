using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>What IamPolicy learned for the CI trust and key policies: Federated principals, trust statements without a
/// Resource, ARN operators part by part, Bool, and who may assume a role.</summary>
public class TrustPolicyEvaluationTests
{
    private const string Provider = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";

    private const string Trust = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Main", "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},
           "Action": "sts:AssumeRoleWithWebIdentity",
           "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
                                          "token.actions.githubusercontent.com:sub": "repo:acme/app:environment:preview-prod"}}},
          {"Sid": "NoForks", "Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRoleWithWebIdentity",
           "Condition": {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:ref:refs/heads/fork-*"}}}
        ]}
        """;

    private static IamRequest Assume(string subject, string audience = "sts.amazonaws.com") => new(
        "sts:AssumeRoleWithWebIdentity",
        "arn:aws:iam::123456789012:role/r",
        new Dictionary<string, string>
        {
            ["token.actions.githubusercontent.com:aud"] = audience,
            ["token.actions.githubusercontent.com:sub"] = subject,
        },
        "test");

    [Fact]
    public void A_trust_policy_parses_without_a_resource_and_keeps_its_federated_principal()
    {
        var policy = IamPolicy.Parse(Trust);

        Assert.Equal([Provider], policy.Statements[0].Principals);
        Assert.Equal(["*"], policy.Statements[1].Principals);
        Assert.Throws<FormatException>(() => IamPolicy.Parse("""{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}"""));
    }

    [Fact]
    public void Only_the_named_provider_with_the_exact_subject_and_audience_may_assume_the_role()
    {
        var policy = IamPolicy.Parse(Trust);

        Assert.Equal(IamDecision.Allowed, TrustPolicyEvaluation.Evaluate(policy, Provider, Assume("repo:acme/app:environment:preview-prod")));
        Assert.Equal(IamDecision.ImplicitDeny, TrustPolicyEvaluation.Evaluate(policy, Provider, Assume("repo:acme/app:pull_request")));
        Assert.Equal(IamDecision.ImplicitDeny, TrustPolicyEvaluation.Evaluate(policy, Provider, Assume("repo:acme/app:environment:preview-prod", "other")));
        Assert.Equal(IamDecision.ImplicitDeny, TrustPolicyEvaluation.Evaluate(policy, "arn:aws:iam::999999999999:oidc-provider/token.actions.githubusercontent.com", Assume("repo:acme/app:environment:preview-prod")));
        Assert.Equal(IamDecision.ExplicitDeny, TrustPolicyEvaluation.Evaluate(policy, Provider, Assume("repo:acme/app:ref:refs/heads/fork-1")));
    }

    [Theory]
    [InlineData("arn:aws:iam::123456789012:role/convex-infra-github-*-prod", "arn:aws:iam::123456789012:role/convex-infra-github-deploy-prod", true)]
    [InlineData("arn:aws:iam::123456789012:role/convex-infra-github-*-prod", "arn:aws:iam::123456789012:role/convex-infra-github-deploy-dev", false)]
    [InlineData("arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/x", true)]
    // ARN operators match the six parts one by one: a '*' in the account part cannot swallow the resource part.
    [InlineData("arn:aws:iam::*", "arn:aws:iam::123456789012:role/x", false)]
    public void ArnLike_matches_each_part_of_the_arn_on_its_own(string pattern, string arn, bool matches)
    {
        var policy = IamPolicy.Parse(
            """{"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": """
            + "\"" + pattern + "\"}}}]}");
        var request = new IamRequest("kms:Decrypt", "*", new Dictionary<string, string> { ["aws:PrincipalArn"] = arn }, "test");

        Assert.Equal(matches ? IamDecision.Allowed : IamDecision.ImplicitDeny, policy.Evaluate(request));
    }

    [Fact]
    public void Bool_and_the_negated_arn_operator_hold_as_in_aws()
    {
        var policy = IamPolicy.Parse("""
            {"Statement": [
              {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
              {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/dev-*"}}}
            ]}
            """);
        IamRequest Get(string principal, string secure) => new("s3:GetObject", "arn:aws:s3:::b/k",
            new Dictionary<string, string> { ["aws:PrincipalArn"] = principal, ["aws:SecureTransport"] = secure }, "test");

        Assert.Equal(IamDecision.Allowed, policy.Evaluate(Get("arn:aws:iam::123456789012:role/prod-x", "true")));
        Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(Get("arn:aws:iam::123456789012:role/prod-x", "false")));
        Assert.Equal(IamDecision.ImplicitDeny, policy.Evaluate(Get("arn:aws:iam::123456789012:role/dev-x", "true")));
    }
}
