using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>A role a stack registered, with every policy that applies to it (inline policies and AWS managed policies by their real text).</summary>
internal sealed record StackRole(string Stack, string Arn, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<(string Source, IamPolicy Policy)> Policies);

/// <summary>A SecureString a stack registered: its ARN and the key it is encrypted with (null: the account's aws/ssm key).</summary>
internal sealed record StackSecret(string Stack, string Region, string ParameterArn, string? KeyArn, IamPolicy? KeyPolicy);

/// <summary>
/// What a run of the program registered, read as AWS would see it with every stack in one account (the mocks give all
/// stacks the same account id): roles with their policies, and SecureStrings with their key and its policy.
/// </summary>
internal sealed record StackAccessModel(string Stack, IReadOnlyList<StackRole> Roles, IReadOnlyList<StackSecret> Secrets)
{
    private const string Role = "aws:iam/role:Role";
    private const string RolePolicy = "aws:iam/rolePolicy:RolePolicy";
    private const string Attachment = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    private const string Parameter = "aws:ssm/parameter:Parameter";
    private const string Key = "aws:kms/key:Key";

    /// <summary>The SSM actions that return a parameter's value (ECS and the CLI use GetParameters; history holds old values).</summary>
    private static readonly string[] ReadActions = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParameterHistory"];

    public static StackAccessModel Of(StackRun run) => Of(run.Spec.StackName, run.Spec.Region!, run.Registered, run.Ids);

    public static StackAccessModel Of(string stack, string region, IReadOnlyList<MockResourceArgs> registered, IReadOnlyDictionary<string, string> ids)
    {
        var account = MockValues.AccountId;
        var keys = registered.Where(r => r.Type == Key).ToDictionary(
            k => $"arn:aws:kms:{region}:{account}:key/{ids[$"{Key}::{k.Name}"]}",
            k => IamPolicy.Parse(k.Text("policy") ?? throw new InvalidOperationException($"key {k.Name} has no policy")),
            StringComparer.Ordinal);

        var roles = registered.Where(r => r.Type == Role).Select(r =>
        {
            var name = ids[$"{Role}::{r.Name}"];
            var inline = registered.Where(p => p.Type == RolePolicy && p.Text("role") == name)
                .Select(p => ($"inline {p.Name}", IamPolicy.Parse(p.Text("policy")!)));
            // Managed policies by their real text (Core's data); an ARN without a text there fails the test.
            var managed = registered.Where(p => p.Type == Attachment && p.Text("role") == name)
                .Select(p => AwsManagedPolicies.ByArn(p.Text("policyArn")!))
                .Select(m => ($"managed {m.PolicyName} {m.VersionId}", IamPolicy.Parse(m.DocumentJson)));
            var tags = r.Map("tags").ToDictionary(t => t.Key, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)!, StringComparer.Ordinal);
            return new StackRole(stack, $"arn:aws:iam::{account}:role/{name}", tags, [.. inline, .. managed]);
        }).ToList();

        var secrets = registered.Where(r => r.Type == Parameter && r.Text("type") == "SecureString").Select(p =>
        {
            var keyArn = p.Text("keyId");
            IamPolicy? keyPolicy = keyArn is null ? null
                : keys.TryGetValue(keyArn, out var policy) ? policy
                : throw new InvalidOperationException($"parameter {p.Name} names key {keyArn}, which the stack did not register");
            return new StackSecret(stack, region, $"arn:aws:ssm:{region}:{account}:parameter{p.Text("name")}", keyArn, keyPolicy);
        }).ToList();

        return new StackAccessModel(stack, roles, secrets);
    }

    /// <summary>
    /// Why <paramref name="role"/> can read <paramref name="secret"/> through SSM, or null when it cannot: SSM must let
    /// it get the parameter (its identity policies) and KMS must let it decrypt with the parameter's key through SSM
    /// (the key policy, with the identity policies when the key policy delegates to the account). The AWS managed key
    /// aws/ssm lets every principal of the account use it through SSM, so without a key of our own the first check decides.
    /// </summary>
    public static string? Leak(StackRole role, StackSecret secret)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["aws:PrincipalArn"] = role.Arn,
            ["kms:CallerAccount"] = MockValues.AccountId,
            ["kms:ViaService"] = $"ssm.{secret.Region}.amazonaws.com",
        };
        foreach (var (key, value) in role.Tags)
        {
            context[$"aws:PrincipalTag/{key}"] = value;
        }

        var identity = role.Policies.Select(p => p.Policy).ToList();
        var get = ReadActions.Select(a => new IamRequest(a, secret.ParameterArn, context, "read")).FirstOrDefault(request =>
        {
            var decisions = identity.Select(p => p.Evaluate(request)).ToList();
            return !decisions.Contains(IamDecision.ExplicitDeny) && decisions.Contains(IamDecision.Allowed);
        });
        if (get is null)
        {
            return null;
        }

        var by = $"{get.Action} by " + string.Join(", ", role.Policies.Where(p => p.Policy.Evaluate(get) == IamDecision.Allowed).Select(p => p.Source));
        if (secret.KeyArn is null)
        {
            return $"{role.Arn} gets {secret.ParameterArn} ({by}) and decrypts it with aws/ssm, which every principal of the account may use through SSM";
        }

        var decrypt = new IamRequest("kms:Decrypt", secret.KeyArn, context, "decrypt");
        return KeyPolicyEvaluation.Evaluate(secret.KeyPolicy!, role.Arn, MockValues.AccountId, identity, decrypt) == IamDecision.Allowed
            ? $"{role.Arn} gets {secret.ParameterArn} ({by}) and the policy of {secret.KeyArn} lets it decrypt"
            : null;
    }
}
