using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>A role a stack registered, with every policy that applies to it (inline policies and AWS managed policies by their real text).</summary>
internal sealed record StackRole(string Stack, string Arn, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<(string Source, IamPolicy Policy)> Policies);

/// <summary>A SecureString a stack registered: its ARN and the key it is encrypted with (null: the account's aws/ssm key) with that key's tags.</summary>
internal sealed record StackSecret(string Stack, string Region, string ParameterArn, string? KeyArn, IamPolicy? KeyPolicy, IReadOnlyDictionary<string, string>? KeyTags = null);

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

    /// <summary>
    /// <see cref="Of(StackRun)"/> plus the stack's two CI roles of docs/cicd.md (deploy and preview), with their
    /// committed permission policies filled as the bootstrap there fills them, in the same account.
    /// </summary>
    public static StackAccessModel WithCiRoles(StackRun run)
    {
        var model = Of(run);
        var stack = run.Spec.StackName;
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AWS_ACCOUNT_ID"] = MockValues.AccountId,
            ["AWS_REGION"] = run.Spec.Region!,
            ["BACKUP_COPY_REGION"] = Core.Ops.BackupCopyPlan.For(run.Spec)?.Region ?? Core.Ops.BackupCopyPlan.DefaultRegionFor(run.Spec.Region!) ?? run.Spec.Region!,
            ["GITHUB_REPOSITORY"] = "acme/convex-infra",
            ["GITHUB_ENVIRONMENT"] = stack,
            ["STACK"] = stack,
            ["STATE_BUCKET"] = "acme-pulumi-state",
            ["STATE_KMS_KEY_ID"] = $"state-key-of-{stack}",
        };
        StackRole Ci(string kind) => new(stack, $"arn:aws:iam::{MockValues.AccountId}:role/convex-infra-github-{kind}-{stack}",
            new Dictionary<string, string>(StringComparer.Ordinal),
            [($"docs/cicd/permissions-{kind}.json", IamPolicy.Parse(System.Text.RegularExpressions.Regex.Replace(
                File.ReadAllText(RepoRoot.File("docs", "cicd", $"permissions-{kind}.json")), @"\$\{([A-Z_]+)\}", m => values[m.Groups[1].Value])))]);
        return model with { Roles = [.. model.Roles, Ci("deploy"), Ci("preview")] };
    }

    public static StackAccessModel Of(string stack, string region, IReadOnlyList<MockResourceArgs> registered, IReadOnlyDictionary<string, string> ids)
    {
        var account = MockValues.AccountId;
        var keys = registered.Where(r => r.Type == Key).ToDictionary(
            k => $"arn:aws:kms:{region}:{account}:key/{ids[$"{Key}::{k.Name}"]}",
            k => (Policy: IamPolicy.Parse(k.Text("policy") ?? throw new InvalidOperationException($"key {k.Name} has no policy")), Tags: TagsOf(k)),
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
            return new StackRole(stack, $"arn:aws:iam::{account}:role/{name}", TagsOf(r), [.. inline, .. managed]);
        }).ToList();

        var secrets = registered.Where(r => r.Type == Parameter && r.Text("type") == "SecureString").Select(p =>
        {
            var keyArn = p.Text("keyId");
            var key = keyArn is null ? default((IamPolicy Policy, IReadOnlyDictionary<string, string> Tags)?)
                : keys.TryGetValue(keyArn, out var found) ? found
                : throw new InvalidOperationException($"parameter {p.Name} names key {keyArn}, which the stack did not register");
            return new StackSecret(stack, region, $"arn:aws:ssm:{region}:{account}:parameter{p.Text("name")}", keyArn, key?.Policy, key?.Tags);
        }).ToList();

        return new StackAccessModel(stack, roles, secrets);
    }

    private static Dictionary<string, string> TagsOf(MockResourceArgs r) =>
        r.Map("tags").ToDictionary(t => t.Key, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)!, StringComparer.Ordinal);

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

        // Identity policies may scope keys by their tags (the CI roles do): the request carries the key's tags.
        var keyContext = new Dictionary<string, string>(context, StringComparer.Ordinal);
        foreach (var (key, value) in secret.KeyTags ?? new Dictionary<string, string>())
        {
            keyContext[$"aws:ResourceTag/{key}"] = value;
        }

        var decrypt = new IamRequest("kms:Decrypt", secret.KeyArn, keyContext, "decrypt");
        return KeyPolicyEvaluation.Evaluate(secret.KeyPolicy!, role.Arn, MockValues.AccountId, identity, decrypt) == IamDecision.Allowed
            ? $"{role.Arn} gets {secret.ParameterArn} ({by}) and the policy of {secret.KeyArn} lets it decrypt"
            : null;
    }
}
