using System.Text.RegularExpressions;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The CI roles of docs/cicd.md as the bootstrap there creates them, for every AWS stack file of the repository, all
/// in ONE account and one state bucket (the weakest layout the docs allow): per stack a preview role (the
/// pull-request trust for the stacks ci.yml previews on pull requests, the main-only trust otherwise), a deploy role,
/// a state key with its key policy, and the boundary. Documents are the committed JSON files, filled as envsubst fills
/// them.
/// </summary>
internal sealed partial class CiAccountModel
{
    public const string Account = "123456789012";
    public const string Region = "eu-west-1";
    public const string Repository = "acme/convex-infra";
    public const string StateBucket = "acme-pulumi-state";
    public const string OidcProvider = $"arn:aws:iam::{Account}:oidc-provider/token.actions.githubusercontent.com";

    public CiAccountModel()
    {
        var root = WorkflowYaml.Root;
        Stacks = Directory.GetFiles(root, "Pulumi.*.yaml")
            .Select(path => StackFile.Load(path))
            .Where(config => config.StackName != "local")
            .Select(TestConfigs.ReadValid)
            .ToDictionary(spec => spec.StackName, StringComparer.Ordinal);
        PullRequestStacks = DefaultPullRequestStacks();
        foreach (var stack in Stacks.Keys)
        {
            var trust = PullRequestStacks.Contains(stack) ? "github-oidc-trust-preview-pull-request.json" : "github-oidc-trust-preview.json";
            Roles[PreviewRole(stack)] = new CiRole(PreviewRole(stack), Policy(trust, stack), Policy("permissions-preview.json", stack));
            Roles[DeployRole(stack)] = new CiRole(DeployRole(stack), Policy("github-oidc-trust-deploy.json", stack), Policy("permissions-deploy.json", stack));
            KeyPolicies[stack] = Policy("state-key-policy.json", stack);
        }
    }

    public IReadOnlyDictionary<string, DeploymentSpec> Stacks { get; }

    /// <summary>The default of <c>CONVEX_PREVIEW_STACKS</c> (.github/scripts/convex-stacks.sh), ci.yml's pull-request stacks.</summary>
    public IReadOnlyList<string> PullRequestStacks { get; }

    public Dictionary<string, CiRole> Roles { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, IamPolicy> KeyPolicies { get; } = new(StringComparer.Ordinal);

    public static string PreviewRole(string stack) => $"arn:aws:iam::{Account}:role/convex-infra-github-preview-{stack}";

    public static string DeployRole(string stack) => $"arn:aws:iam::{Account}:role/convex-infra-github-deploy-{stack}";

    public static string Boundary(string stack) => $"arn:aws:iam::{Account}:policy/convex-infra-boundary-{stack}";

    /// <summary>Each stage has its own state key (docs/cicd.md: alias/convex-infra-pulumi-&lt;stack&gt;).</summary>
    public static string StateKeyId(string stack) => $"state-key-of-{stack}";

    public static string StateKeyArn(string stack) => $"arn:aws:kms:{Region}:{Account}:key/{StateKeyId(stack)}";

    public static Dictionary<string, string> Values(string stack) => new(StringComparer.Ordinal)
    {
        ["AWS_ACCOUNT_ID"] = Account,
        ["AWS_REGION"] = Region,
        ["BACKUP_COPY_REGION"] = ConvexInfra.Core.Ops.BackupCopyPlan.DefaultRegionFor(Region)!,
        ["GITHUB_REPOSITORY"] = Repository,
        ["GITHUB_ENVIRONMENT"] = stack,
        ["STACK"] = stack,
        ["STATE_BUCKET"] = StateBucket,
        ["STATE_KMS_KEY_ID"] = StateKeyId(stack),
    };

    public static IamPolicy Policy(string file, string stack, string? environment = null)
    {
        var text = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "docs", "cicd", file));
        var values = Values(stack);
        values["GITHUB_ENVIRONMENT"] = environment ?? stack;
        return IamPolicy.Parse(Placeholder().Replace(text, m => values[m.Groups[1].Value]));
    }

    /// <summary>The roles a GitHub job whose OIDC token has subject <paramref name="subject"/> can assume.</summary>
    public IReadOnlyList<CiRole> AssumableBy(string subject)
    {
        var context = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["token.actions.githubusercontent.com:aud"] = "sts.amazonaws.com",
            ["token.actions.githubusercontent.com:sub"] = subject,
        };
        return Roles.Values
            .Where(role => TrustPolicyEvaluation.Evaluate(role.Trust, OidcProvider, new IamRequest("sts:AssumeRoleWithWebIdentity", role.Arn, context, subject)) == IamDecision.Allowed)
            .OrderBy(role => role.Arn, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A call by <paramref name="role"/>: its identity policy allows it and, for KMS, the key's policy too.</summary>
    public bool Can(CiRole role, string action, string resource, IReadOnlyDictionary<string, string>? context = null)
    {
        var request = new IamRequest(action, resource, context ?? new Dictionary<string, string> { ["aws:RequestedRegion"] = Region }, role.Arn);
        if (role.Permissions.Evaluate(request) != IamDecision.Allowed)
        {
            return false;
        }

        var key = KeyPolicies.FirstOrDefault(k => StateKeyArn(k.Key) == resource).Value;
        return key is null || KeyAllows(key, role, action);
    }

    /// <summary>
    /// What the state key's own policy says to <paramref name="role"/>, whatever its identity policy says: a statement
    /// that names the role, <c>*</c> or the account (<c>:root</c>, which AWS reads as "any principal of the account,
    /// if its identity policy allows too") and whose conditions hold for the role (<c>aws:PrincipalArn</c>).
    /// </summary>
    public static bool KeyAllows(IamPolicy keyPolicy, CiRole role, string action)
    {
        var request = new IamRequest(action, "*", new Dictionary<string, string> { ["aws:PrincipalArn"] = role.Arn }, role.Arn);
        var matching = keyPolicy.Statements
            .Where(s => s.Principals.Any(p => p == "*" || p == role.Arn || p == $"arn:aws:iam::{Account}:root") && s.Matches(request))
            .ToList();
        return !matching.Any(s => s.Effect == IamEffect.Deny) && matching.Any(s => s.Effect == IamEffect.Allow);
    }

    /// <summary>The state objects the diy backend keeps for a stack (checkpoint, backup, history, lock, tags).</summary>
    public static IReadOnlyList<string> StateObjects(string stack) =>
    [
        $"arn:aws:s3:::{StateBucket}/.pulumi/stacks/convex-infra/{stack}.json",
        $"arn:aws:s3:::{StateBucket}/.pulumi/stacks/convex-infra/{stack}.json.bak",
        $"arn:aws:s3:::{StateBucket}/.pulumi/stacks/convex-infra/{stack}.pulumi-tags",
        $"arn:aws:s3:::{StateBucket}/.pulumi/backups/convex-infra/{stack}/{stack}.1765000000.json",
        $"arn:aws:s3:::{StateBucket}/.pulumi/history/convex-infra/{stack}/{stack}-1765000000.history.json",
        $"arn:aws:s3:::{StateBucket}/.pulumi/history/convex-infra/{stack}/{stack}-1765000000.checkpoint.json",
    ];

    /// <summary>The stack's SecureString parameters and the parameters whose writer controls the host.</summary>
    public IReadOnlyList<string> Parameters(string stack)
    {
        var spec = Stacks[stack];
        return ResourceNames.SecretParameters(spec).All
            .Append(ResourceNames.ReleaseParameter(spec))
            .Append(ResourceNames.HostToolingParameter(spec))
            .Select(name => $"arn:aws:ssm:{Region}:{Account}:parameter{name}")
            .ToList();
    }

    /// <summary>ci.yml's pull-request matrix comes from .github/scripts/convex-stacks.sh, which holds the default.</summary>
    private static List<string> DefaultPullRequestStacks()
    {
        var script = File.ReadAllText(Path.Combine(WorkflowYaml.Root, ".github", "scripts", "convex-stacks.sh"));
        var list = PreviewStacksDefault().Match(script);
        Assert.True(list.Success, "convex-stacks.sh has no CONVEX_PREVIEW_STACKS default");
        return System.Text.Json.JsonSerializer.Deserialize<List<string>>(list.Groups[1].Value)!;
    }

    [GeneratedRegex(@"^preview=\$\{CONVEX_PREVIEW_STACKS:-'(\[[^']*\])'\}$", RegexOptions.Multiline)]
    private static partial Regex PreviewStacksDefault();

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}

/// <summary>One CI role: its ARN, its trust policy and its permissions.</summary>
internal sealed record CiRole(string Arn, IamPolicy Trust, IamPolicy Permissions);
