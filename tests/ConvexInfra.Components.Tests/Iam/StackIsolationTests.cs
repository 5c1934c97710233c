using System.Collections.Immutable;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Aws.Iam;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Iam;

/// <summary>
/// Every repository AWS stack in one account (the mocks give them all the same account id), as issue 20 requires: no
/// role of one stack (its inline policies and the AWS managed policies attached to it, by their real text) can read a
/// SecureString of another stack, because SSM refuses the parameter or the other stack's key refuses the decrypt. The
/// control rebuilds the layout before the stack key (AmazonSSMManagedInstanceCore on the host, aws/ssm for every
/// SecureString) from the same runs and shows that the check catches it.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class StackIsolationTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string HostSessionManagerSuffix = "-host-session-manager";

    private static List<string> Stacks() =>
        StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")).Order(StringComparer.Ordinal).ToList();

    private async Task<IReadOnlyList<StackAccessModel>> ModelsAsync(Func<StackRun, StackAccessModel> model)
    {
        var models = new List<StackAccessModel>();
        foreach (var stack in Stacks())
        {
            models.Add(model(await runs.GetAsync(stack)));
        }

        Assert.True(models.Count >= 2, "fewer than two AWS stack files: nothing to isolate");
        return models;
    }

    private static List<string> Leaks(IReadOnlyList<StackAccessModel> models) =>
        (from a in models
         from b in models
         where a.Stack != b.Stack
         from role in a.Roles
         from secret in b.Secrets
         let leak = StackAccessModel.Leak(role, secret)
         where leak is not null
         select $"{a.Stack} → {b.Stack}: {leak}").ToList();

    [Fact]
    public async Task No_role_of_one_stack_reads_a_secure_string_of_another()
    {
        var models = await ModelsAsync(StackAccessModel.WithCiRoles);
        Assert.All(models, m => Assert.NotEmpty(m.Roles));
        Assert.All(models, m => Assert.NotEmpty(m.Secrets));
        Assert.All(models.SelectMany(m => m.Secrets), s => Assert.NotNull(s.KeyArn));

        var leaks = Leaks(models);

        Assert.True(leaks.Count == 0, $"{leaks.Count} cross-stack read(s):\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task Each_stack_still_reads_its_own_secrets()
    {
        // The other half of the check: the host reads the instance secret and POSTGRES_URL (the ECS execution role the
        // instance secret and the database credentials), and the export task's execution role the admin key, so a check
        // that refused everything could not pass above. On ECS no runtime role reads POSTGRES_URL: its entrypoint builds
        // it from the credentials and the plain address; the parameter stays for people and tools (deployers read it).
        foreach (var model in await ModelsAsync(StackAccessModel.Of))
        {
            var ecs = model.Secrets.Any(s => s.ParameterArn.EndsWith("/db-credentials", StringComparison.Ordinal));
            var expected = model.Secrets.Select(s => s.ParameterArn)
                .Where(arn => !(ecs && arn.EndsWith("/postgres-url", StringComparison.Ordinal)));
            var readable = model.Secrets.Where(s => model.Roles.Any(r => StackAccessModel.Leak(r, s) is not null)).Select(s => s.ParameterArn).ToList();
            Assert.Equal(expected.Order(StringComparer.Ordinal), readable.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Each_stacks_ci_roles_read_its_own_secrets_and_no_other_principal_of_the_account_does()
    {
        // The deploy role writes and reads back every SecureString, the preview role refreshes them: both are named in
        // the key policy (deployRoles). A role of the account that is no stack's, even with every SSM and KMS action on
        // every resource, is refused by every stack key (before the key was restricted, it read them all).
        var anyone = new StackRole("none", $"arn:aws:iam::{MockValues.AccountId}:role/some-app-role", new Dictionary<string, string>(),
            [("inline everything", IamPolicy.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ssm:*", "kms:*"], "Resource": "*"}]}"""))]);
        foreach (var model in await ModelsAsync(StackAccessModel.WithCiRoles))
        {
            foreach (var kind in new[] { "deploy", "preview" })
            {
                var ci = Assert.Single(model.Roles, r => r.Arn.EndsWith($":role/convex-infra-github-{kind}-{model.Stack}", StringComparison.Ordinal));
                Assert.All(model.Secrets, s => Assert.NotNull(StackAccessModel.Leak(ci, s)));
            }

            Assert.All(model.Secrets, s => Assert.Null(StackAccessModel.Leak(anyone, s)));
        }
    }

    /// <summary>The control: the layout before this change, which the review found open, fails the same check.</summary>
    [Fact]
    public async Task The_layout_before_the_stack_key_fails_the_check()
    {
        var models = await ModelsAsync(run => StackAccessModel.Of(run.Spec.StackName, run.Spec.Region!, OldLayout(run), run.Ids));

        var leaks = Leaks(models);

        Assert.NotEmpty(leaks);
        Assert.Contains(leaks, l => l.StartsWith("dev → prod:", StringComparison.Ordinal) && l.Contains("/instance-secret", StringComparison.Ordinal)
            && l.Contains("managed AmazonSSMManagedInstanceCore", StringComparison.Ordinal));
    }

    /// <summary>
    /// The registrations as the program made them before: SecureStrings without a key id (aws/ssm), and the host role
    /// with AmazonSSMManagedInstanceCore attached instead of the session-manager policy.
    /// </summary>
    private static List<MockResourceArgs> OldLayout(StackRun run)
    {
        var old = new List<MockResourceArgs>();
        foreach (var r in run.Registered)
        {
            if (r.Type == "aws:ssm/parameter:Parameter" && r.Text("type") == "SecureString")
            {
                old.Add(Copy(r, r.Type, r.Name!, r.Inputs.Remove("keyId")));
            }
            else if (r.Type == "aws:iam/rolePolicy:RolePolicy" && r.Name!.EndsWith(HostSessionManagerSuffix, StringComparison.Ordinal))
            {
                var managed = AwsManagedPolicies.Get(AwsManagedPolicies.SsmManagedInstanceCore).Arn("aws");
                old.Add(Copy(r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", r.Name[..^HostSessionManagerSuffix.Length] + "-host-ssm-core",
                    ImmutableDictionary<string, object>.Empty.Add("role", r.Inputs["role"]).Add("policyArn", managed)));
            }
            else
            {
                old.Add(r);
            }
        }

        return old;
    }

    private static MockResourceArgs Copy(MockResourceArgs r, string type, string name, ImmutableDictionary<string, object> inputs) =>
        new() { Type = type, Name = name, Inputs = inputs, Provider = r.Provider, Id = r.Id };
}
