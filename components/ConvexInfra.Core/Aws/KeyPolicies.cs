using ConvexInfra.Core.Naming;

namespace ConvexInfra.Core.Aws;

/// <summary>
/// The policy of the stack's own KMS key, the key of every SecureString the stack writes. AWS checks a key policy
/// first: a principal it does not allow cannot use the key whatever its IAM policies say.
/// <list type="bullet">
/// <item><c>KeyAdministration</c>: the account (its IAM policies decide who) may describe, tag, rotate, re-policy and
/// delete the key, but not use it: no Decrypt, Encrypt, GenerateDataKey, ReEncrypt or CreateGrant.</item>
/// <item><c>StackRuntimeRolesDecrypt</c>: the stack's own runtime roles by ARN (EC2 host, ECS execution, export
/// execution) decrypt, and only when SSM asks on their behalf.</item>
/// <item><c>DeployerThroughSsm</c>: the stack's deployers (<see cref="KeyDeployers"/>: whoever runs pulumi and the
/// <c>deployRoles</c>, by <c>aws:PrincipalArn</c>) write and read the parameters through SSM, as their IAM policies
/// allow; no other principal of the account, and never a role that carries the <c>convex-infra:stack</c> tag (the
/// runtime roles of every stack carry it), even if its own IAM policy said <c>kms:Decrypt</c> on <c>*</c>. To break
/// glass, an administrator re-puts the policy (administration) or runs <c>pulumi up</c> as themselves.</item>
/// <item>Through S3, for the stored deployment variables only (<see cref="DeploymentEnvPolicies"/>): the export task's
/// role generates data keys, the deployers and the backup copy's replication role decrypt.</item>
/// </list>
/// </summary>
public static class KeyPolicies
{
    /// <summary>The tag every role the program creates carries (<see cref="ResourceNames.StandardTags"/>).</summary>
    public const string StackTagKey = ResourceNames.StackTagKey;

    /// <summary>Administration without use (the key users are named separately).</summary>
    public static IReadOnlyList<string> AdministrationActions { get; } =
    [
        "kms:CancelKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:DescribeKey",
        "kms:DisableKey",
        "kms:DisableKeyRotation",
        "kms:EnableKey",
        "kms:EnableKeyRotation",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListGrants",
        "kms:ListKeyPolicies",
        "kms:ListKeyRotations",
        "kms:ListResourceTags",
        "kms:PutKeyPolicy",
        "kms:RevokeGrant",
        "kms:RotateKeyOnDemand",
        "kms:ScheduleKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:UpdateAlias",
        "kms:UpdateKeyDescription",
    ];

    /// <summary>
    /// What SSM asks KMS for when a SecureString is written (Encrypt; GenerateDataKey for advanced parameters) and read
    /// (Decrypt). The provider reads every parameter back with decryption after writing it.
    /// </summary>
    public static IReadOnlyList<string> DeployerActions { get; } = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

    public static string StackKey(AwsAccountContext ctx, IReadOnlyList<string> runtimeRoleArns, IReadOnlyList<string> deployerArnPatterns, StackKeyS3Use s3Use)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ArgumentNullException.ThrowIfNull(runtimeRoleArns);
        ArgumentNullException.ThrowIfNull(deployerArnPatterns);
        ArgumentNullException.ThrowIfNull(s3Use);
        var accountArns = $"arn:{ctx.Partition}:";
        if (deployerArnPatterns.Count == 0 || deployerArnPatterns.Any(p => p is null || !p.StartsWith(accountArns, StringComparison.Ordinal) || !p.Contains($"::{ctx.AccountId}:", StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"deployerArnPatterns: got [{string.Join(", ", deployerArnPatterns)}]; expected the principals that deploy the stack (KeyDeployers.Patterns). Example: arn:{ctx.Partition}:iam::{ctx.AccountId}:role/convex-infra-github-deploy-prod",
                nameof(deployerArnPatterns));
        }

        var rolePrefix = $"arn:{ctx.Partition}:iam::{ctx.AccountId}:role/";
        if (runtimeRoleArns.Count == 0 || runtimeRoleArns.Any(arn => !IsRoleArn(arn, rolePrefix)))
        {
            throw new ArgumentException(
                $"runtimeRoleArns: got [{string.Join(", ", runtimeRoleArns)}]; expected the ARNs of the stack's own roles that read its parameters. Example: {rolePrefix}convex-host-role",
                nameof(runtimeRoleArns));
        }

        if (!IsRoleArn(s3Use.ExportTaskRoleArn, rolePrefix) || (s3Use.ReplicationRoleArn is { } replication && !IsRoleArn(replication, rolePrefix)))
        {
            throw new ArgumentException(
                $"s3Use: got export task role '{s3Use.ExportTaskRoleArn}' and replication role '{s3Use.ReplicationRoleArn}'; expected roles of the stack's account. Example: {rolePrefix}convex-backups-export-task",
                nameof(s3Use));
        }

        var account = AccountRoot(ctx);
        var viaSsm = new PolicyCondition("StringEquals", "kms:ViaService", IamPolicies.SsmViaService(ctx));
        var callerAccount = new PolicyCondition("StringEquals", "kms:CallerAccount", ctx.AccountId);
        return PolicyDocument.Render(
        [
            new("KeyAdministration", "Allow", AdministrationActions, ["*"], AwsPrincipals: [account]),
            new("StackRuntimeRolesDecrypt", "Allow", ["kms:Decrypt"], ["*"],
                Conditions: [viaSsm, callerAccount],
                AwsPrincipals: runtimeRoleArns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()),
            new("DeployerThroughSsm", "Allow", DeployerActions, ["*"],
                Conditions:
                [
                    viaSsm, callerAccount,
                    new PolicyCondition("ArnLike", "aws:PrincipalArn", deployerArnPatterns.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()),
                    new PolicyCondition("Null", $"aws:PrincipalTag/{StackTagKey}", "true"),
                ],
                AwsPrincipals: [account]),
            .. DeploymentEnvPolicies.KeyStatements(ctx, s3Use, deployerArnPatterns),
        ]);
    }

    private static bool IsRoleArn(string? arn, string rolePrefix) =>
        arn is not null && arn.StartsWith(rolePrefix, StringComparison.Ordinal) && arn.Length > rolePrefix.Length;

    /// <summary>The account principal of a key policy: delegates to the account's IAM policies.</summary>
    public static string AccountRoot(AwsAccountContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return $"arn:{ctx.Partition}:iam::{ctx.AccountId}:root";
    }

    /// <summary>The alias of the stack key, e.g. <c>alias/convex-infra/prod</c>.</summary>
    public static string Alias(Spec.DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"alias/{spec.ProjectName}/{spec.StackName}";
    }
}
