using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>Core's IAM evaluator: the subset of AWS's policy logic the CI roles rely on.</summary>
public class IamPolicyEvaluationTests
{
    private const string Policy = """
        {"Version": "2012-10-17", "Statement": [
          {"Sid": "Regional", "Effect": "Allow", "Action": ["ec2:Describe*", "sns:CreateTopic"], "Resource": "*",
           "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
          {"Sid": "Params", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/*"},
          {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::123456789012:role/prod-*",
           "Condition": {"StringEquals": {"iam:PassedToService": ["ec2.amazonaws.com", "ecs-tasks.amazonaws.com"]}}},
          {"Sid": "NoUsers", "Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"},
          {"Sid": "AllButIam", "Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::prod-??-*"}
        ]}
        """;

    private static readonly IamPolicy Parsed = IamPolicy.Parse(Policy);

    private static IamRequest Request(string action, string resource, params (string Key, string Value)[] context) =>
        new(action, resource, context.ToDictionary(c => c.Key, c => c.Value), "test");

    [Theory]
    [InlineData("ec2:DescribeVpcs", "eu-west-1", IamDecision.Allowed)]
    [InlineData("EC2:describeNatGateways", "eu-west-1", IamDecision.Allowed)]
    [InlineData("ec2:CreateVpc", "eu-west-1", IamDecision.ImplicitDeny)]
    [InlineData("sns:CreateTopic", "us-east-1", IamDecision.ImplicitDeny)]
    [InlineData("sns:CreateTopic", "eu-west-1", IamDecision.Allowed)]
    public void Action_wildcards_are_case_insensitive_and_the_region_condition_holds(string action, string region, IamDecision expected)
    {
        Assert.Equal(expected, Parsed.Evaluate(Request(action, "*", ("aws:RequestedRegion", region))));
    }

    [Fact]
    public void A_condition_key_missing_from_the_request_fails_a_positive_operator()
    {
        Assert.Equal(IamDecision.ImplicitDeny, Parsed.Evaluate(Request("ec2:DescribeVpcs", "*")));
        Assert.Equal(IamDecision.ImplicitDeny, Parsed.Evaluate(Request("iam:PassRole", "arn:aws:iam::123456789012:role/prod-host")));
    }

    [Theory]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/instance-secret", IamDecision.Allowed)]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/staging/instance-secret", IamDecision.ImplicitDeny)]
    [InlineData("arn:aws:ssm:eu-west-1:123456789012:parameter/Convex-infra/prod/x", IamDecision.ImplicitDeny)]
    [InlineData("*", IamDecision.ImplicitDeny)]
    public void Resource_patterns_are_case_sensitive_and_a_star_request_needs_a_star_grant(string resource, IamDecision expected)
    {
        Assert.Equal(expected, Parsed.Evaluate(Request("ssm:GetParameter", resource)));
    }

    [Theory]
    [InlineData("ec2.amazonaws.com", "prod-acme-prod-host-role-1a2b3c4", IamDecision.Allowed)]
    [InlineData("lambda.amazonaws.com", "prod-acme-prod-host-role-1a2b3c4", IamDecision.ImplicitDeny)]
    [InlineData("ec2.amazonaws.com", "convex-infra-github-deploy-prod", IamDecision.ImplicitDeny)]
    public void Pass_role_needs_the_service_and_the_stack_prefix(string service, string role, IamDecision expected)
    {
        var request = Request("iam:PassRole", $"arn:aws:iam::123456789012:role/{role}", ("iam:PassedToService", service));

        Assert.Equal(expected, Parsed.Evaluate(request));
    }

    [Fact]
    public void Explicit_deny_wins_and_not_action_allows_everything_else_on_its_resources()
    {
        Assert.Equal(IamDecision.ExplicitDeny, Parsed.Evaluate(Request("iam:CreateUser", "*")));
        Assert.Equal(IamDecision.Allowed, Parsed.Evaluate(Request("s3:GetObject", "arn:aws:s3:::prod-ab-files")));
        Assert.Equal(IamDecision.ImplicitDeny, Parsed.Evaluate(Request("s3:GetObject", "arn:aws:s3:::prod-abc-files")));
        Assert.Equal(IamDecision.ImplicitDeny, Parsed.Evaluate(Request("iam:GetRole", "arn:aws:s3:::prod-ab-files")));
    }

    [Fact]
    public void A_copy_without_one_action_denies_exactly_that_action()
    {
        var copy = Parsed.Without("Regional", "sns:CreateTopic");

        Assert.Equal(IamDecision.ImplicitDeny, copy.Evaluate(Request("sns:CreateTopic", "*", ("aws:RequestedRegion", "eu-west-1"))));
        Assert.Equal(IamDecision.Allowed, copy.Evaluate(Request("ec2:DescribeVpcs", "*", ("aws:RequestedRegion", "eu-west-1"))));
        Assert.Equal(IamDecision.Allowed, Parsed.Evaluate(Request("sns:CreateTopic", "*", ("aws:RequestedRegion", "eu-west-1"))));
    }

    [Theory]
    [InlineData("ArnEquals", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-*", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-x", IamDecision.Allowed)]
    [InlineData("ArnLike", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-*", "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-x", IamDecision.ImplicitDeny)]
    [InlineData("ArnNotEquals", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-*", "arn:aws:ecs:eu-west-1:123456789012:cluster/dev-x", IamDecision.Allowed)]
    [InlineData("ArnNotLike", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-*", null, IamDecision.Allowed)]
    [InlineData("ArnEquals", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-*", null, IamDecision.ImplicitDeny)]
    public void Arn_operators_match_with_wildcards_and_treat_a_missing_key_like_aws(string op, string pattern, string? actual, IamDecision expected)
    {
        var policy = IamPolicy.Parse("""
            {"Statement": [{"Sid": "Run", "Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*",
              "Condition": {"OP": {"ecs:cluster": "PATTERN"}}}]}
            """.Replace("OP", op, StringComparison.Ordinal).Replace("PATTERN", pattern, StringComparison.Ordinal));
        var context = actual is null ? [] : new[] { ("ecs:cluster", actual) };

        Assert.Equal(expected, policy.Evaluate(Request("ecs:RunTask", "*", context)));
    }

    [Theory]
    [InlineData("true", null, IamDecision.Allowed)]
    [InlineData("true", "prod", IamDecision.ImplicitDeny)]
    [InlineData("false", "prod", IamDecision.Allowed)]
    [InlineData("false", null, IamDecision.ImplicitDeny)]
    public void Null_asks_whether_the_key_is_absent(string value, string? tag, IamDecision expected)
    {
        var policy = IamPolicy.Parse("""
            {"Statement": [{"Sid": "Untagged", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*",
              "Condition": {"Null": {"aws:PrincipalTag/convex-infra:stack": "VALUE"}}}]}
            """.Replace("VALUE", value, StringComparison.Ordinal));
        var context = tag is null ? [] : new[] { ("aws:PrincipalTag/convex-infra:stack", tag) };

        Assert.Equal(expected, policy.Evaluate(Request("kms:Decrypt", "*", context)));
    }

    [Fact]
    public void A_condition_operator_the_evaluator_does_not_know_is_refused()
    {
        const string policy = """
            {"Statement": [{"Sid": "Ip", "Effect": "Allow", "Action": "s3:*", "Resource": "*",
              "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}
            """;

        var error = Assert.Throws<FormatException>(() => IamPolicy.Parse(policy));

        Assert.Contains("policy statement Ip: condition operator 'IpAddress'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a*c", "abc", true)]
    [InlineData("a*c", "ac", true)]
    [InlineData("a*c", "abd", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("*", "", true)]
    [InlineData("arn:aws:s3:::prod-*/*", "arn:aws:s3:::prod-x/k/e/y", true)]
    public void Wildcards_match_like_iam(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, IamWildcard.Matches(pattern, value, ignoreCase: false));
    }

    [Fact]
    public void Bool_and_arn_conditions_judge_bucket_and_scheduler_policies()
    {
        var policy = IamPolicy.Parse("""
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "Tls", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*",
               "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
              {"Sid": "Run", "Effect": "Allow", "Action": "ecs:RunTask", "Resource": "*",
               "Condition": {"ArnEquals": {"ecs:cluster": "arn:aws:ecs:eu-west-1:123456789012:cluster/c*"}}}
            ]}
            """);

        Assert.Equal(IamDecision.ExplicitDeny, policy.Evaluate(Request("s3:PutObject", "arn:aws:s3:::b/k", ("aws:SecureTransport", "FALSE"))));
        Assert.Equal(IamDecision.ImplicitDeny, policy.Evaluate(Request("s3:PutObject", "arn:aws:s3:::b/k", ("aws:SecureTransport", "true"))));
        Assert.Equal(IamDecision.Allowed, policy.Evaluate(Request("ecs:RunTask", "*", ("ecs:cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/c1"))));
        Assert.Equal(IamDecision.ImplicitDeny, policy.Evaluate(Request("ecs:RunTask", "*", ("ecs:cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/other"))));
        Assert.Equal(IamDecision.ImplicitDeny, policy.Evaluate(Request("ecs:RunTask", "*")));
    }
}
