using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>
/// The permissions boundary of docs/cicd/: every role the program registers carries its stack's boundary (the stack
/// files set rolePermissionsBoundary), the deploy role cannot create a role without it, and the boundary still allows
/// everything the program's own role policies grant, so the boundary limits escalation without breaking the stack.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class RoleBoundaryTests(IamRuns runs) : IClassFixture<IamRuns>
{
    public static TheoryData<string> Cases() => IamRuns.CaseData();

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Every_role_carries_the_stacks_boundary_and_the_deploy_role_refuses_it_without(string name)
    {
        var stack = await runs.GetAsync(name);
        var deploy = IamPolicy.Parse(IamRuns.Policy("permissions-deploy.json", stack.Stack));
        var boundary = $"arn:aws:iam::{MockValues.AccountId}:policy/convex-infra-boundary-{stack.Stack}";
        var roles = stack.Resources.Where(r => r.Type == "aws:iam/role:Role").ToList();

        Assert.True(roles.Count >= 3, $"expected the stack's roles, found {roles.Count}");
        Assert.All(roles, role => Assert.Equal(boundary, role.Input("permissionsBoundary")));
        var creates = stack.Deploy.Where(r => r.Action == "iam:CreateRole").ToList();
        Assert.Equal(roles.Count, creates.Count);
        foreach (var create in creates)
        {
            Assert.Equal(IamDecision.Allowed, deploy.Evaluate(create));
            var without = new Dictionary<string, string>(create.Context);
            without.Remove("iam:PermissionsBoundary");
            Assert.Equal(IamDecision.ExplicitDeny, deploy.Evaluate(create with { Context = without }));
            var other = new Dictionary<string, string>(create.Context) { ["iam:PermissionsBoundary"] = $"arn:aws:iam::{MockValues.AccountId}:policy/AdministratorAccess" };
            Assert.Equal(IamDecision.ExplicitDeny, deploy.Evaluate(create with { Context = other }));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_boundary_allows_every_grant_of_the_stacks_own_role_policies(string name)
    {
        var stack = await runs.GetAsync(name);
        var boundary = IamPolicy.Parse(IamRuns.Policy("permissions-boundary.json", stack.Stack));
        const string region = "eu-west-1"; // every stack file's aws:region
        var grants = new List<IamRequest>();

        foreach (var policy in stack.Resources.Where(r => r.Type == "aws:iam/rolePolicy:RolePolicy"))
        {
            foreach (var statement in IamPolicy.Parse(policy.Input("policy")!).Statements.Where(s => s.Effect == IamEffect.Allow))
            {
                // The condition values the role statement requires are what its requests carry.
                var context = statement.Conditions.Where(c => c.Operator == "StringEquals")
                    .ToDictionary(c => c.Key, c => c.Values[0], StringComparer.Ordinal);
                context["aws:RequestedRegion"] = region;
                grants.AddRange(statement.Actions.SelectMany(action => statement.Resources.Select(resource =>
                    new IamRequest(action, resource, context, $"{policy.LogicalName} {statement.Sid}"))));
            }
        }

        Assert.True(grants.Count > 5, $"expected the stack's role policies, found {grants.Count} grants");
        var refused = grants.Where(g => boundary.Evaluate(g) != IamDecision.Allowed).Select(g => g.ToString()).ToList();
        Assert.True(refused.Count == 0, $"permissions-boundary.json refuses {refused.Count} grant(s) the stack's roles need:\n" + string.Join("\n", refused));
    }

    [Fact]
    public async Task The_boundary_keeps_a_role_of_one_stack_away_from_another_stacks_parameters_and_from_iam()
    {
        var dev = await runs.GetAsync("dev");
        var boundary = IamPolicy.Parse(IamRuns.Policy("permissions-boundary.json", "dev"));
        var region = new Dictionary<string, string> { ["aws:RequestedRegion"] = "eu-west-1" };

        // A policy the dev deploy role could put on a dev role names prod's parameters: the boundary still refuses.
        Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("ssm:GetParameter", $"arn:aws:ssm:eu-west-1:{MockValues.AccountId}:parameter/convex-infra/prod/instance-secret", region, "prod secret")));
        Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("s3:GetObject", "arn:aws:s3:::prod-acme-prod-exports/x", region, "prod bucket")));
        Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("iam:CreateRole", $"arn:aws:iam::{MockValues.AccountId}:role/dev-x", region, "iam")));
        Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("iam:PassRole", $"arn:aws:iam::{MockValues.AccountId}:role/prod-x", new Dictionary<string, string>(region) { ["iam:PassedToService"] = "ecs-tasks.amazonaws.com" }, "pass")));
        Assert.Equal(IamDecision.Allowed, boundary.Evaluate(new("ssm:GetParameter", $"arn:aws:ssm:eu-west-1:{MockValues.AccountId}:parameter/convex-infra/dev/instance-secret", region, "dev secret")));
        Assert.Contains(dev.Resources, r => r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Input("policy")!.Contains("/convex-infra/dev/", StringComparison.Ordinal));
    }
}
