using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The IAM documents of docs/cicd/ that the bootstrap commands fill in with envsubst: the OIDC trust is limited to
/// this repository (and, for deploy roles, to one GitHub environment), no placeholder is left over, and cfn-lint
/// (which knows every real IAM action) accepts the roles.
/// </summary>
public partial class CiRolePolicyTests
{
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["AWS_ACCOUNT_ID"] = "123456789012",
        ["AWS_REGION"] = "eu-west-1",
        ["BACKUP_COPY_REGION"] = ConvexInfra.Core.Ops.BackupCopyPlan.DefaultRegionFor("eu-west-1")!,
        ["GITHUB_REPOSITORY"] = "acme/convex-infra",
        ["GITHUB_ENVIRONMENT"] = "prod",
        ["STACK"] = "prod",
        ["STATE_BUCKET"] = "acme-pulumi-state",
        ["STATE_KMS_KEY_ID"] = "1234abcd-12ab-34cd-56ef-1234567890ab",
    };

    [Theory]
    [InlineData("github-oidc-trust-deploy.json")]
    [InlineData("github-oidc-trust-preview.json")]
    [InlineData("github-oidc-trust-preview-pull-request.json")]
    [InlineData("permissions-deploy.json")]
    [InlineData("permissions-preview.json")]
    [InlineData("permissions-drill.json")]
    [InlineData("permissions-boundary.json")]
    [InlineData("state-key-policy.json")]
    public void Every_placeholder_is_one_the_bootstrap_sets(string file)
    {
        var text = Read(file);
        var placeholders = Placeholder().Matches(text).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(placeholders);
        Assert.All(placeholders, name => Assert.True(Values.ContainsKey(name), $"{file}: unknown placeholder ${{{name}}}"));
        Assert.DoesNotContain("${", Fill(text), StringComparison.Ordinal);
    }

    [Fact]
    public void A_deploy_role_trusts_only_jobs_of_one_environment_of_this_repository()
    {
        var statement = Assert.Single(Document("github-oidc-trust-deploy.json")["Statement"]!.AsArray())!;
        var conditions = statement["Condition"]!.AsObject();

        Assert.Equal("sts:AssumeRoleWithWebIdentity", (string?)statement["Action"]);
        Assert.Equal("arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com", (string?)statement["Principal"]!["Federated"]);
        Assert.Equal(["StringEquals"], conditions.Select(c => c.Key));
        Assert.Equal("sts.amazonaws.com", (string?)conditions["StringEquals"]!["token.actions.githubusercontent.com:aud"]);
        Assert.Equal("repo:acme/convex-infra:environment:prod", (string?)conditions["StringEquals"]!["token.actions.githubusercontent.com:sub"]);
    }

    [Fact]
    public void A_preview_role_trusts_only_main_jobs_of_its_preview_environment_and_pull_requests_only_when_marked_for_them()
    {
        var main = Assert.Single(Document("github-oidc-trust-preview.json")["Statement"]!.AsArray())!;
        var pullRequest = Document("github-oidc-trust-preview-pull-request.json")["Statement"]!.AsArray().Select(s => s!).ToList();
        static string? Subject(JsonNode statement) => (string?)statement["Condition"]!["StringEquals"]!["token.actions.githubusercontent.com:sub"];

        Assert.Equal("repo:acme/convex-infra:environment:preview-prod", Subject(main));
        Assert.Equal(["repo:acme/convex-infra:environment:preview-prod", "repo:acme/convex-infra:pull_request"], pullRequest.Select(Subject));
        Assert.All(pullRequest.Append(main), s => Assert.Equal("sts.amazonaws.com", (string?)s["Condition"]!["StringEquals"]!["token.actions.githubusercontent.com:aud"]));
    }

    [Fact]
    public void The_preview_role_cannot_change_anything()
    {
        var actions = Allowed(Document("permissions-preview.json")).ToList();

        Assert.NotEmpty(actions);
        Assert.All(actions, action => Assert.Matches(@":(Describe|Get|List)[A-Za-z]*$|^kms:Decrypt$", action));
    }

    [Fact]
    public void A_deploy_role_writes_only_its_own_stack_state_parameters_buckets_and_roles()
    {
        var statements = Document("permissions-deploy.json")["Statement"]!.AsArray().Select(s => s!).ToDictionary(s => (string)s["Sid"]!);

        Assert.Equal("arn:aws:s3:::acme-pulumi-state/.pulumi/*convex-infra/prod*", (string?)statements["StateOfThisStackReadWrite"]["Resource"]);
        Assert.Equal("arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/*", (string?)statements["StackParameters"]["Resource"]);
        Assert.Equal("arn:aws:s3:::prod-*", (string?)statements["StackBuckets"]["Resource"]);
        Assert.Equal(
            ["arn:aws:iam::123456789012:role/prod-*", "arn:aws:iam::123456789012:instance-profile/prod-*"],
            statements["StackRoles"]["Resource"]!.AsArray().Select(r => (string?)r));
        Assert.Equal("eu-west-1", (string?)statements["ManageStackResourcesInRegion"]["Condition"]!["StringEquals"]!["aws:RequestedRegion"]);
        Assert.Equal("arn:aws:iam::123456789012:role/prod-*", (string?)statements["PassStackRolesToTheirServices"]["Resource"]);
        Assert.Equal("Deny", (string?)statements["NoLongLivedKeysNoPrivilegeEscalation"]["Effect"]);
        Assert.Equal("Deny", (string?)statements["NoRoleWithoutThisStacksBoundary"]["Effect"]);
        Assert.Equal(
            "arn:aws:iam::123456789012:policy/convex-infra-boundary-prod",
            (string?)statements["NoRoleWithoutThisStacksBoundary"]["Condition"]!["StringNotEquals"]!["iam:PermissionsBoundary"]);
        Assert.DoesNotContain(Allowed(Document("permissions-deploy.json")), action => action.EndsWith(":*", StringComparison.Ordinal) || action == "*");
        Assert.DoesNotContain(Allowed(Document("permissions-deploy.json")), action => action.StartsWith("iam:CreateUser", StringComparison.Ordinal) || action == "iam:CreateAccessKey");
    }

    [Fact]
    [Trait("Category", "Tools")]
    public void The_roles_pass_cfn_lint()
    {
        using var dir = new TempDir();
        JsonObject Role(string trust, string permissions) => new()
        {
            ["Type"] = "AWS::IAM::Role",
            ["Properties"] = new JsonObject
            {
                ["AssumeRolePolicyDocument"] = Document(trust),
                ["Policies"] = new JsonArray(new JsonObject { ["PolicyName"] = "ci", ["PolicyDocument"] = Document(permissions) }),
            },
        };
        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Resources"] = new JsonObject
            {
                ["DeployRole"] = Role("github-oidc-trust-deploy.json", "permissions-deploy.json"),
                ["PreviewRole"] = Role("github-oidc-trust-preview.json", "permissions-preview.json"),
                ["PullRequestPreviewRole"] = Role("github-oidc-trust-preview-pull-request.json", "permissions-preview.json"),
                ["DrillRole"] = Role("github-oidc-trust-deploy.json", "permissions-drill.json"),
                ["Boundary"] = new JsonObject
                {
                    ["Type"] = "AWS::IAM::ManagedPolicy",
                    ["Properties"] = new JsonObject { ["ManagedPolicyName"] = "convex-infra-boundary-prod", ["PolicyDocument"] = Document("permissions-boundary.json") },
                },
                ["StateKey"] = new JsonObject
                {
                    ["Type"] = "AWS::KMS::Key",
                    ["Properties"] = new JsonObject { ["EnableKeyRotation"] = true, ["KeyPolicy"] = Document("state-key-policy.json") },
                },
            },
        };
        var path = dir.Write("ci-roles.json", template.ToJsonString());

        var result = ExternalTool.Run("cfn-lint", ["--regions", "eu-west-1", "--", path], timeout: TimeSpan.FromSeconds(120));

        Assert.True(result.ExitCode == 0, $"cfn-lint exited {result.ExitCode}:\n{result.Output[..Math.Min(result.Output.Length, 4000)]}");
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(WorkflowYaml.Root, "docs", "cicd", file));

    private static string Fill(string text) => Placeholder().Replace(text, m => Values.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    private static JsonObject Document(string file) => JsonNode.Parse(Fill(Read(file)))!.AsObject();

    private static IEnumerable<string> Allowed(JsonObject policy) =>
        policy["Statement"]!.AsArray()
            .Where(s => (string?)s!["Effect"] == "Allow")
            .SelectMany(s => s!["Action"] is JsonArray list ? list.Select(a => (string)a!) : [(string)s["Action"]!]);

    [GeneratedRegex(@"\$\{([A-Z_]+)\}")]
    private static partial Regex Placeholder();
}
