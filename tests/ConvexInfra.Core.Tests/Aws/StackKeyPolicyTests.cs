using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// The stack key's policy, judged by Core's evaluator with AWS's rules for keys (the key policy must allow the caller,
/// by ARN or by delegating to the account's IAM policies): who may decrypt the stack's SecureStrings.
/// </summary>
public class StackKeyPolicyTests
{
    private static readonly AwsAccountContext Ctx = new("aws", "eu-west-1", "123456789012");
    private const string Host = "arn:aws:iam::123456789012:role/prod-acme-prod-host-role-abc1234";
    private const string Export = "arn:aws:iam::123456789012:role/prod-acme-prod-backups-export-execution-def5678";
    private const string OtherHost = "arn:aws:iam::123456789012:role/dev-acme-dev-host-role-0123456";
    private const string Deployer = "arn:aws:iam::123456789012:role/convex-infra-github-deploy-prod";
    private const string Key = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static readonly IamPolicy KeyPolicy = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host, Export]));

    /// <summary>An identity policy that lets its role decrypt with any key of the account through SSM (the old host layout).</summary>
    private static readonly IamPolicy AnyKeyThroughSsm = IamPolicy.Parse("""
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "arn:aws:kms:eu-west-1:123456789012:key/*",
          "Condition": {"StringEquals": {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}}}]}
        """);

    private static IamRequest Decrypt(string principal, bool viaSsm = true, string? stackTag = null, string action = "kms:Decrypt")
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kms:CallerAccount"] = "123456789012",
            ["aws:PrincipalArn"] = principal,
        };
        if (viaSsm)
        {
            context["kms:ViaService"] = "ssm.eu-west-1.amazonaws.com";
        }

        if (stackTag is not null)
        {
            context[$"aws:PrincipalTag/{KeyPolicies.StackTagKey}"] = stackTag;
        }

        return new IamRequest(action, Key, context, "test");
    }

    private static IamDecision Evaluate(string principal, IamRequest request, params IamPolicy[] identity) =>
        KeyPolicyEvaluation.Evaluate(KeyPolicy, principal, "123456789012", identity, request);

    [Fact]
    public void The_stacks_runtime_roles_decrypt_through_ssm_and_only_through_ssm()
    {
        Assert.Equal(IamDecision.Allowed, Evaluate(Host, Decrypt(Host, stackTag: "prod")));
        Assert.Equal(IamDecision.Allowed, Evaluate(Export, Decrypt(Export, stackTag: "prod")));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Host, Decrypt(Host, viaSsm: false, stackTag: "prod"), AnyKeyThroughSsm));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Host, Decrypt(Host, stackTag: "prod", action: "kms:Encrypt")));
    }

    [Fact]
    public void Another_stacks_role_is_refused_by_the_key_even_when_its_own_policy_allows_every_key()
    {
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(OtherHost, Decrypt(OtherHost, stackTag: "dev"), AnyKeyThroughSsm));
    }

    [Fact]
    public void The_deployer_writes_and_reads_through_ssm_as_its_iam_policy_allows()
    {
        var deployPolicy = IamPolicy.Parse($$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], "Resource": "{{Key}}"}]}
            """);

        Assert.Equal(IamDecision.Allowed, Evaluate(Deployer, Decrypt(Deployer), deployPolicy));
        Assert.Equal(IamDecision.Allowed, Evaluate(Deployer, Decrypt(Deployer, action: "kms:Encrypt"), deployPolicy));
        Assert.Equal(IamDecision.Allowed, Evaluate(Deployer, Decrypt(Deployer, action: "kms:GenerateDataKey"), deployPolicy));
        // Without its own IAM permission, or outside SSM, the deployer cannot use the key.
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Deployer, Decrypt(Deployer)));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Deployer, Decrypt(Deployer, viaSsm: false), deployPolicy));
    }

    [Fact]
    public void The_account_administers_the_key_but_administration_is_not_use()
    {
        var statements = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host])).Statements;
        var admin = Assert.Single(statements, s => s.Sid == "KeyAdministration");
        Assert.Equal(["arn:aws:iam::123456789012:root"], admin.Principals);
        Assert.Contains("kms:PutKeyPolicy", admin.Actions);
        Assert.Contains("kms:ScheduleKeyDeletion", admin.Actions);
        string[] use = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:CreateGrant"];
        Assert.All(use, action => Assert.DoesNotContain(admin.Actions, a => IamWildcard.Matches(a, action, ignoreCase: true)));
        var admins = IamPolicy.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}""");
        Assert.Equal(IamDecision.Allowed, Evaluate(Deployer, Decrypt(Deployer, viaSsm: false, action: "kms:PutKeyPolicy"), admins));
    }

    [Fact]
    public void A_key_policy_needs_the_stacks_own_roles()
    {
        var error = Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, []));
        Assert.StartsWith("runtimeRoleArns: got []", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, ["arn:aws:iam::999999999999:role/elsewhere"]));
    }

    [Fact]
    public void An_explicit_deny_in_the_key_policy_wins_over_a_named_principal()
    {
        var policy = IamPolicy.Parse("""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "HOST"}, "Action": "kms:Decrypt", "Resource": "*"},
              {"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"Null": {"kms:ViaService": "true"}}}]}
            """.Replace("HOST", Host, StringComparison.Ordinal));

        Assert.Equal(IamDecision.Allowed, KeyPolicyEvaluation.Evaluate(policy, Host, "123456789012", [], Decrypt(Host)));
        Assert.Equal(IamDecision.ExplicitDeny, KeyPolicyEvaluation.Evaluate(policy, Host, "123456789012", [], Decrypt(Host, viaSsm: false)));
    }
}
