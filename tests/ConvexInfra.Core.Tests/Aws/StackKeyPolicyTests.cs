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
    private const string ExportTask = "arn:aws:iam::123456789012:role/prod-acme-prod-backups-export-task-aaa1111";
    private const string Replication = "arn:aws:iam::123456789012:role/prod-acme-prod-backup-copy-replication-bbb2222";
    private static readonly StackKeyS3Use S3Use = new("convex-prod-exports-1a2b", ExportTask, Replication);

    private const string Admin = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_0123456789abcdef";
    private const string AdminSession = "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com";
    private const string OtherUntagged = "arn:aws:iam::123456789012:role/some-app-role";

    /// <summary>The CI deploy role runs pulumi; the preview role is named in <c>deployRoles</c>.</summary>
    private static readonly IReadOnlyList<string> Deployers =
        KeyDeployers.Patterns(Ctx, "arn:aws:sts::123456789012:assumed-role/convex-infra-github-deploy-prod/GitHubActions", ["convex-infra-github-preview-prod"]);

    private static readonly IamPolicy KeyPolicy = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host, Export], Deployers, S3Use));

    /// <summary>An administrator: every KMS and SSM action on everything, as AdministratorAccess gives.</summary>
    private static readonly IamPolicy Everything = IamPolicy.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""");

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
    public void No_other_principal_of_the_account_uses_the_key_whatever_its_iam_policy_says()
    {
        // Before: every untagged principal whose IAM policy allowed it (an app's role, an administrator) could decrypt.
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(OtherUntagged, Decrypt(OtherUntagged), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Admin, Decrypt(Admin), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Admin, Decrypt(Admin, action: "kms:Encrypt"), Everything));
        // The preview role (deployRoles) refreshes, i.e. decrypts through SSM, as its IAM policy allows.
        var preview = "arn:aws:iam::123456789012:role/convex-infra-github-preview-prod";
        Assert.Equal(IamDecision.Allowed, Evaluate(preview, Decrypt(preview), Everything));
        // A role of the same name elsewhere in the account cannot exist (role names are unique), but a longer name is not it.
        var lookalike = "arn:aws:iam::123456789012:role/convex-infra-github-deploy-prod-2";
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(lookalike, Decrypt(lookalike), Everything));
    }

    [Fact]
    public void An_administrator_who_runs_pulumi_up_becomes_a_deployer_and_may_break_glass()
    {
        // pulumi up as an IAM Identity Center administrator: the caller's session ARN names the role without its path.
        var policy = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host], KeyDeployers.Patterns(Ctx, AdminSession, ["convex-infra-github-deploy-prod"]), S3Use));
        Assert.Equal(IamDecision.Allowed, KeyPolicyEvaluation.Evaluate(policy, Admin, "123456789012", [Everything], Decrypt(Admin)));
        Assert.Equal(IamDecision.Allowed, KeyPolicyEvaluation.Evaluate(policy, Deployer, "123456789012", [Everything], Decrypt(Deployer)));
        // Break glass without pulumi: administration (kms:PutKeyPolicy) stays with the account's administrators.
        Assert.Equal(IamDecision.Allowed, Evaluate(Admin, Decrypt(Admin, viaSsm: false, action: "kms:PutKeyPolicy"), Everything));
    }

    [Theory]
    [InlineData("arn:aws:sts::123456789012:assumed-role/deploy/session", "arn:aws:iam::123456789012:role/deploy", "arn:aws:iam::123456789012:role/*/deploy")]
    [InlineData("arn:aws:iam::123456789012:user/ops/alice", "arn:aws:iam::123456789012:user/ops/alice", null)]
    [InlineData("arn:aws:iam::123456789012:root", "arn:aws:iam::123456789012:root", null)]
    [InlineData("arn:aws:sts::123456789012:federated-user/bob", "arn:aws:sts::123456789012:federated-user/bob", null)]
    public void The_caller_is_known_by_the_principal_arn_aws_sees(string caller, string first, string? second)
    {
        Assert.Equal(second is null ? [first] : [first, second], KeyDeployers.OfCaller(Ctx, caller));
    }

    [Fact]
    public void Deployers_of_another_account_are_refused_with_the_key_to_fix()
    {
        var caller = Assert.Throws<ArgumentException>(() => KeyDeployers.OfCaller(Ctx, "arn:aws:sts::999999999999:assumed-role/deploy/s"));
        Assert.StartsWith("callerArn: got 'arn:aws:sts::999999999999:assumed-role/deploy/s'", caller.Message, StringComparison.Ordinal);
        var role = Assert.Throws<ArgumentException>(() => KeyDeployers.OfRole(Ctx, "arn:aws:iam::999999999999:role/deploy"));
        Assert.StartsWith("deployRoles: got 'arn:aws:iam::999999999999:role/deploy'", role.Message, StringComparison.Ordinal);
        Assert.Equal(["arn:aws:iam::123456789012:role/ci/deploy"], KeyDeployers.OfRole(Ctx, "arn:aws:iam::123456789012:role/ci/deploy"));
        Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, [Host], [], S3Use));
    }

    [Fact]
    public void The_account_administers_the_key_but_administration_is_not_use()
    {
        var statements = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host], Deployers, S3Use)).Statements;
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
        var error = Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, [], Deployers, S3Use));
        Assert.StartsWith("runtimeRoleArns: got []", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, ["arn:aws:iam::999999999999:role/elsewhere"], Deployers, S3Use));
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

    private static IamRequest ThroughS3(string principal, string action, string objectArn, string region = "eu-west-1", string? stackTag = null)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kms:CallerAccount"] = "123456789012",
            ["aws:PrincipalArn"] = principal,
            ["kms:ViaService"] = $"s3.{region}.amazonaws.com",
            ["kms:EncryptionContext:aws:s3:arn"] = objectArn,
        };
        if (stackTag is not null)
        {
            context[$"aws:PrincipalTag/{KeyPolicies.StackTagKey}"] = stackTag;
        }

        return new IamRequest(action, Key, context, "test");
    }

    [Fact]
    public void Through_s3_only_the_stored_deployment_variables_and_only_for_their_writer_and_readers()
    {
        const string stored = "arn:aws:s3:::convex-prod-exports-1a2b/deployment-env/deployment-env-20261206T031700Z.json";
        const string export = "arn:aws:s3:::convex-prod-exports-1a2b/convex-prod-0f1e/export.zip";
        const string otherBucket = "arn:aws:s3:::someone-else/deployment-env/x.json";

        // The export task's role writes (a data key), by ARN, and nothing else.
        Assert.Equal(IamDecision.Allowed, Evaluate(ExportTask, ThroughS3(ExportTask, "kms:GenerateDataKey", stored)));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(ExportTask, ThroughS3(ExportTask, "kms:Decrypt", stored), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(ExportTask, ThroughS3(ExportTask, "kms:GenerateDataKey", export), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(ExportTask, ThroughS3(ExportTask, "kms:GenerateDataKey", otherBucket), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(ExportTask, ThroughS3(ExportTask, "kms:GenerateDataKey", stored, region: "us-east-1"), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(ExportTask, Decrypt(ExportTask, action: "kms:GenerateDataKey"), Everything));

        // Deployers decrypt (restore), through S3 and only that prefix; never a role that carries a stack tag.
        Assert.Equal(IamDecision.Allowed, Evaluate(Deployer, ThroughS3(Deployer, "kms:Decrypt", stored), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Deployer, ThroughS3(Deployer, "kms:Decrypt", export), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Deployer, ThroughS3(Deployer, "kms:Decrypt", stored, stackTag: "prod"), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Deployer, ThroughS3(Deployer, "kms:GenerateDataKey", stored), Everything));

        // The replication role decrypts the source versions, nothing else.
        Assert.Equal(IamDecision.Allowed, Evaluate(Replication, ThroughS3(Replication, "kms:Decrypt", stored)));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Replication, ThroughS3(Replication, "kms:GenerateDataKey", stored), Everything));

        // Anyone else of the account, even with kms:* on *: nothing through S3, as through SSM.
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(OtherUntagged, ThroughS3(OtherUntagged, "kms:Decrypt", stored), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(Host, ThroughS3(Host, "kms:Decrypt", stored), Everything));
        Assert.Equal(IamDecision.ImplicitDeny, Evaluate(OtherHost, ThroughS3(OtherHost, "kms:GenerateDataKey", stored, stackTag: "dev"), Everything));
    }

    [Fact]
    public void Without_a_backup_copy_no_replication_role_is_named()
    {
        var policy = IamPolicy.Parse(KeyPolicies.StackKey(Ctx, [Host], Deployers, S3Use with { ReplicationRoleArn = null }));

        Assert.DoesNotContain(policy.Statements, s => s.Principals.Contains(Replication));
        Assert.Throws<ArgumentException>(() => KeyPolicies.StackKey(Ctx, [Host], Deployers, S3Use with { ExportTaskRoleArn = "arn:aws:iam::999999999999:role/x" }));
    }
}
