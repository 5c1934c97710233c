using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// The host's Session Manager policy against the real text of the AWS managed policy it replaces
/// (Data/AwsManagedPolicies/AmazonSSMManagedInstanceCore.json): the same agent and session actions, without the
/// account-wide parameter reads.
/// </summary>
public class SessionManagerPolicyTests
{
    private static readonly AwsManagedPolicy Managed = AwsManagedPolicies.Get(AwsManagedPolicies.SsmManagedInstanceCore);

    private static IamRequest Request(string action, string resource = "*") => new(action, resource, new Dictionary<string, string>(), "test");

    [Fact]
    public void The_managed_policy_is_kept_with_its_source_and_version()
    {
        Assert.Equal("v2", Managed.VersionId);
        Assert.Contains("zoph-io/MAMIP", Managed.Source, StringComparison.Ordinal);
        Assert.Equal("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore", Managed.Arn("aws"));
        Assert.Equal(Managed.PolicyName, AwsManagedPolicies.ByArn("arn:aws-cn:iam::aws:policy/AmazonSSMManagedInstanceCore").PolicyName);
        var error = Assert.Throws<KeyNotFoundException>(() => AwsManagedPolicies.ByArn("arn:aws:iam::aws:policy/AdministratorAccess"));
        Assert.Contains("AdministratorAccess", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_managed_policy_reads_every_parameter_of_the_account()
    {
        var managed = IamPolicy.Parse(Managed.DocumentJson);

        Assert.Equal(IamDecision.Allowed, managed.Evaluate(Request("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/instance-secret")));
    }

    [Fact]
    public void Our_policy_grants_only_actions_the_managed_policy_grants_and_no_parameter_read()
    {
        var managed = IamPolicy.Parse(Managed.DocumentJson);
        var ours = IamPolicy.Parse(SessionManagerPolicy.Render());
        var granted = ours.Statements.SelectMany(s => s.Actions).ToList();

        Assert.All(granted, action => Assert.Equal(IamDecision.Allowed, managed.Evaluate(Request(action))));
        Assert.Contains("ssm:UpdateInstanceInformation", granted);
        Assert.All(managed.Statements.SelectMany(s => s.Actions).Where(a => a.StartsWith("ssmmessages:", StringComparison.Ordinal) || a.StartsWith("ec2messages:", StringComparison.Ordinal)),
            action => Assert.Equal(IamDecision.Allowed, ours.Evaluate(Request(action))));
        Assert.Equal(IamDecision.ImplicitDeny, ours.Evaluate(Request("ssm:GetParameter", "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/instance-secret")));
        Assert.Equal(IamDecision.ImplicitDeny, ours.Evaluate(Request("ssm:GetParameters", "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/instance-secret")));
        Assert.DoesNotContain(granted, a => a.StartsWith("kms:", StringComparison.Ordinal));
    }
}
