using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// Issue 20, "CI that cannot leak a higher stage": with every repo stack in one account and one state bucket, the
/// trust and permission documents of docs/cicd/ (evaluated by Core's IamPolicy, key policies included) let no role a
/// pull-request job can assume read the state, decrypt the state key or read the parameters of any stack that is not
/// previewed on pull requests, and no deploy role create a role without its boundary or change the boundary.
/// </summary>
public sealed class StageIsolationTests
{
    private const string PullRequest = $"repo:{CiAccountModel.Repository}:pull_request";

    private readonly CiAccountModel account = new();

    [Fact]
    public void The_repository_stacks_and_the_pull_request_default_are_what_the_model_covers()
    {
        Assert.Equal(["dev", "ecs", "prod", "staging"], account.Stacks.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["dev"], account.PullRequestStacks);
    }

    [Fact]
    public void A_pull_request_job_can_assume_only_the_preview_roles_of_the_pull_request_stacks()
    {
        var roles = account.AssumableBy(PullRequest).Select(r => r.Arn);

        Assert.Equal(account.PullRequestStacks.Select(CiAccountModel.PreviewRole), roles);
        // A fork, another repository, a branch push and a manual run from a branch get nothing.
        Assert.Empty(account.AssumableBy("repo:someone/convex-infra:pull_request"));
        Assert.Empty(account.AssumableBy($"repo:{CiAccountModel.Repository}:ref:refs/heads/feature"));
        Assert.Empty(account.AssumableBy($"repo:{CiAccountModel.Repository}:ref:refs/heads/main"));
    }

    [Fact]
    public void Environment_jobs_assume_only_their_own_stacks_roles()
    {
        foreach (var stack in account.Stacks.Keys)
        {
            Assert.Equal([CiAccountModel.PreviewRole(stack)], account.AssumableBy($"repo:{CiAccountModel.Repository}:environment:preview-{stack}").Select(r => r.Arn));
            Assert.Equal([CiAccountModel.DeployRole(stack)], account.AssumableBy($"repo:{CiAccountModel.Repository}:environment:{stack}").Select(r => r.Arn));
        }
    }

    [Fact]
    public void No_role_a_pull_request_can_assume_reads_a_higher_stages_state_key_or_parameters()
    {
        var roles = account.AssumableBy(PullRequest);
        var higher = account.Stacks.Keys.Except(account.PullRequestStacks).ToList();

        Assert.NotEmpty(roles);
        Assert.Equal(["ecs", "prod", "staging"], higher.Order(StringComparer.Ordinal));
        foreach (var role in roles)
        {
            foreach (var stack in higher)
            {
                Assert.All(CiAccountModel.StateObjects(stack), o => Assert.False(account.Can(role, "s3:GetObject", o), $"{role.Arn} reads {o}"));
                Assert.False(account.Can(role, "kms:Decrypt", CiAccountModel.StateKeyArn(stack)), $"{role.Arn} decrypts {stack}'s state");
                // Each layer refuses on its own: the identity policy and the key policy.
                Assert.NotEqual(IamDecision.Allowed, role.Permissions.Evaluate(new("kms:Decrypt", CiAccountModel.StateKeyArn(stack), new Dictionary<string, string> { ["aws:RequestedRegion"] = CiAccountModel.Region }, "identity")));
                Assert.False(CiAccountModel.KeyAllows(account.KeyPolicies[stack], role, "kms:Decrypt"), $"{stack}'s key policy lets {role.Arn} decrypt");
                Assert.All(account.Parameters(stack), p =>
                {
                    Assert.False(account.Can(role, "ssm:GetParameter", p), $"{role.Arn} reads {p}");
                    Assert.False(account.Can(role, "ssm:GetParameters", p), $"{role.Arn} reads {p}");
                });
            }
        }
    }

    [Fact]
    public void The_pull_request_role_still_previews_its_own_stack()
    {
        // The control: the checks above could pass on a role that can read nothing.
        var role = Assert.Single(account.AssumableBy(PullRequest));

        Assert.All(CiAccountModel.StateObjects("dev"), o => Assert.True(account.Can(role, "s3:GetObject", o), o));
        Assert.True(account.Can(role, "kms:Decrypt", CiAccountModel.StateKeyArn("dev")));
        Assert.All(account.Parameters("dev"), p => Assert.True(account.Can(role, "ssm:GetParameter", p), p));
    }

    [Fact]
    public void Every_role_of_one_stack_is_kept_from_every_other_stacks_state_key_and_parameters()
    {
        foreach (var role in account.Roles.Values)
        {
            var own = role.Arn[(role.Arn.LastIndexOf('-') + 1)..];
            foreach (var stack in account.Stacks.Keys.Where(s => s != own))
            {
                Assert.All(CiAccountModel.StateObjects(stack), o => Assert.False(account.Can(role, "s3:GetObject", o), $"{role.Arn} reads {o}"));
                Assert.False(account.Can(role, "kms:Decrypt", CiAccountModel.StateKeyArn(stack)), $"{role.Arn} decrypts {stack}'s state");
                Assert.All(account.Parameters(stack), p => Assert.False(account.Can(role, "ssm:GetParameter", p), $"{role.Arn} reads {p}"));
            }
        }
    }

    [Fact]
    public void A_deploy_role_creates_roles_only_with_its_boundary_and_cannot_change_a_boundary()
    {
        var deploy = account.Roles[CiAccountModel.DeployRole("dev")];
        var role = $"arn:aws:iam::{CiAccountModel.Account}:role/dev-acme-dev-host-role";
        Dictionary<string, string> With(string? boundary)
        {
            var context = new Dictionary<string, string> { ["aws:RequestedRegion"] = "us-east-1" };
            if (boundary is not null)
            {
                context["iam:PermissionsBoundary"] = boundary;
            }

            return context;
        }

        Assert.True(account.Can(deploy, "iam:CreateRole", role, With(CiAccountModel.Boundary("dev"))));
        Assert.False(account.Can(deploy, "iam:CreateRole", role, With(null)));
        Assert.False(account.Can(deploy, "iam:CreateRole", role, With(CiAccountModel.Boundary("prod"))));
        Assert.False(account.Can(deploy, "iam:CreateRole", role, With($"arn:aws:iam::{CiAccountModel.Account}:policy/AdministratorAccess")));
        Assert.True(account.Can(deploy, "iam:PutRolePermissionsBoundary", role, With(CiAccountModel.Boundary("dev"))));
        Assert.False(account.Can(deploy, "iam:PutRolePermissionsBoundary", role, With(CiAccountModel.Boundary("prod"))));
        Assert.False(account.Can(deploy, "iam:DeleteRolePermissionsBoundary", role, With(null)));
        foreach (var action in new[] { "iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy" })
        {
            var decision = deploy.Permissions.Evaluate(new(action, CiAccountModel.Boundary("dev"), With(null), "boundary"));
            Assert.Equal(IamDecision.ExplicitDeny, decision);
        }

        // Nor can it touch the CI roles themselves (their names never match <stack>-*, and an explicit Deny says so).
        foreach (var action in new[] { "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePolicy" })
        {
            Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, CiAccountModel.DeployRole("prod"), With(null), "ci role")));
        }
    }

    [Theory]
    [InlineData("ec2:TerminateInstances", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0", "aws:ResourceTag/convex-infra:stack")]
    [InlineData("ec2:ModifyInstanceAttribute", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0", "aws:ResourceTag/convex-infra:stack")]
    [InlineData("ecs:UpdateService", "arn:aws:ecs:eu-west-1:123456789012:service/prod-cluster/prod-service", "aws:ResourceTag/convex-infra:stack")]
    [InlineData("elasticloadbalancing:DeleteLoadBalancer", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/prod-alb/0123456789abcdef", "aws:ResourceTag/convex-infra:stack")]
    [InlineData("rds:DeleteDBInstance", "arn:aws:rds:eu-west-1:123456789012:db:prod-postgres", "rds:db-tag/convex-infra:stack")]
    [InlineData("rds:ModifyDBInstance", "arn:aws:rds:eu-west-1:123456789012:db:prod-postgres", "rds:db-tag/convex-infra:stack")]
    public void A_deploy_role_changes_instances_services_load_balancers_and_databases_of_its_own_stack_only(string action, string resource, string tagKey)
    {
        var deploy = account.Roles[CiAccountModel.DeployRole("dev")];
        Dictionary<string, string> Tagged(string? stack)
        {
            var context = new Dictionary<string, string> { ["aws:RequestedRegion"] = CiAccountModel.Region };
            if (stack is not null)
            {
                context[tagKey] = stack;
            }

            return context;
        }

        Assert.True(account.Can(deploy, action, resource, Tagged("dev")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, resource, Tagged("prod"), "prod's")));
        Assert.Equal(IamDecision.ExplicitDeny, deploy.Permissions.Evaluate(new(action, resource, Tagged(null), "untagged")));
    }

    [Fact]
    public void The_boundary_keeps_roles_a_deploy_role_creates_inside_their_stack()
    {
        var boundary = CiAccountModel.Policy("permissions-boundary.json", "dev");
        var region = new Dictionary<string, string> { ["aws:RequestedRegion"] = CiAccountModel.Region };
        var role = new CiRole($"arn:aws:iam::{CiAccountModel.Account}:role/dev-anything", boundary, boundary);

        Assert.All(account.Parameters("dev"), p => Assert.Equal(IamDecision.Allowed, boundary.Evaluate(new("ssm:GetParameter", p, region, "own"))));
        foreach (var stack in new[] { "staging", "prod", "ecs" })
        {
            Assert.All(account.Parameters(stack), p => Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("ssm:GetParameter", p, region, "other"))));
            Assert.All(CiAccountModel.StateObjects(stack), o => Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new("s3:GetObject", o, region, "state"))));
            Assert.False(account.Can(role, "kms:Decrypt", CiAccountModel.StateKeyArn(stack)));
        }

        Assert.All(new[] { "iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy", "sts:AssumeRole" }, action =>
            Assert.NotEqual(IamDecision.Allowed, boundary.Evaluate(new(action, $"arn:aws:iam::{CiAccountModel.Account}:role/dev-x", region, "escalate"))));
    }
}
