using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Upgrade;

/// <summary>
/// A host deployed with the layout before the stack key (AmazonSSMManagedInstanceCore attached as
/// <c>&lt;root&gt;-host-ssm-core</c>, SecureStrings with aws/ssm) updated by this program: the key is created, the
/// same parameters (same logical names, so the same URNs) get a key id, which the provider updates in place with a new
/// version; the release names the new versions and the host reports it applied; the managed policy, no longer
/// registered, is detached by the engine only after all of that. Provider and engine facts come from
/// upgrade-facts.json, which cites their source.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class StackKeyUpgradeTests
{
    private const string Parameter = "aws:ssm/parameter:Parameter";
    private const string Key = "aws:kms/key:Key";
    private const string Command = "command:local:Command";
    private const string RolePolicy = "aws:iam/rolePolicy:RolePolicy";

    public static TheoryData<string> Ec2Stacks() => StackFiles.Ec2Stacks();

    private static JsonElement Facts(string name)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Upgrade", "upgrade-facts.json")));
        return json.RootElement.GetProperty(name).Clone();
    }

    private static bool IsSecureString(MockResourceArgs r) => r.Type == Parameter && r.Text("type") == "SecureString";

    private static bool IsReleaseReport(MockResourceArgs r) => r.Type == Command && r.Name!.EndsWith("-host-release-report", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task The_key_is_created_and_the_same_parameters_are_updated_in_place_with_it(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));
        var root = Assert.Single(run.Registered, r => r.Type == "convex-infra:index:ConvexDeployment").Name!;

        var key = run.StackKey();
        Assert.True(key.Flag("enableKeyRotation"));
        var alias = run.Single("aws:kms/alias:Alias");
        Assert.Equal(KeyPolicies.Alias(run.Spec), alias.Text("name"));
        var keyArn = $"arn:aws:kms:{run.Spec.Region}:{MockValues.AccountId}:key/{run.IdOf(key)}";

        // The parameters the old program registered, by logical name: the same names now, so the engine diffs them.
        string[] secrets = [$"{root}-secrets-instance-secret", $"{root}-secrets-postgres-url", $"{root}-secrets-admin-key"];
        var parameters = run.Registered.Where(IsSecureString).ToList();
        Assert.Equal(secrets.Order(StringComparer.Ordinal), parameters.Select(p => p.Name!).Order(StringComparer.Ordinal));
        Assert.All(parameters, p => Assert.Equal(keyArn, p.Text("keyId")));

        // keyId is new on these parameters; the provider replaces a parameter only on the inputs it marks ForceNew.
        var forceNew = Facts("ssmParameter").GetProperty("forceNewInputs").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Contains("name", forceNew);
        Assert.DoesNotContain("keyId", forceNew);
        // name is ForceNew: the parameters keep the names the host and tasks read.
        var names = Core.Naming.ResourceNames.SecretParameters(run.Spec);
        Assert.Equal(new[] { names.InstanceSecret, names.PostgresUrl, names.AdminKey }.Order(StringComparer.Ordinal), parameters.Select(p => p.Text("name")!).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The update re-encrypts the parameters as whoever runs it (SSM asks KMS with the caller's identity), so the new
    /// key's policy must let that caller, and no one else of the account, use the key through SSM: the caller the AWS
    /// provider reports (the mocks' <c>getCallerIdentity</c>) and the stack file's <c>deployRoles</c>.
    /// </summary>
    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task Whoever_runs_the_upgrade_may_re_encrypt_the_parameters_with_the_new_key(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));
        var key = run.OfType(Key).Single(k => k.Name!.EndsWith("-secrets-key", StringComparison.Ordinal)); // prod also has the backup copy's keys
        var keyArn = $"arn:aws:kms:{run.Spec.Region}:{MockValues.AccountId}:key/{run.IdOf(key)}";
        var policy = Core.Aws.Iam.IamPolicy.Parse(key.Text("policy")!);
        var everything = Core.Aws.Iam.IamPolicy.Parse("""{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}""");
        Assert.Contains(run.Calls, c => c.Token == "aws:index/getCallerIdentity:getCallerIdentity");
        var caller = MockValues.CallerArn;
        Core.Aws.Iam.IamDecision Use(string principal, string action) => Core.Aws.Iam.KeyPolicyEvaluation.Evaluate(policy, principal, MockValues.AccountId, [everything],
            new Core.Aws.Iam.IamRequest(action, keyArn, new Dictionary<string, string>
            {
                ["aws:PrincipalArn"] = principal,
                ["kms:CallerAccount"] = MockValues.AccountId,
                ["kms:ViaService"] = $"ssm.{run.Spec.Region}.amazonaws.com",
            }, "upgrade"));

        List<string> deployers = [caller, .. run.Spec.DeployRoles.Select(r => $"arn:aws:iam::{MockValues.AccountId}:role/{r}")];
        Assert.True(deployers.Count >= 3, "the stack files name the CI deploy and preview roles in deployRoles");
        foreach (var deployer in deployers)
        {
            Assert.Equal(Core.Aws.Iam.IamDecision.Allowed, Use(deployer, "kms:Encrypt"));
            Assert.Equal(Core.Aws.Iam.IamDecision.Allowed, Use(deployer, "kms:Decrypt"));
        }

        Assert.NotEqual(Core.Aws.Iam.IamDecision.Allowed, Use($"arn:aws:iam::{MockValues.AccountId}:role/someone-else", "kms:Encrypt"));
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task The_release_names_the_versions_written_with_the_key(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));
        var keyArn = $"arn:aws:kms:{run.Spec.Region}:{MockValues.AccountId}:key/{run.IdOf(run.StackKey())}";
        var secret = Assert.Single(run.Registered, r => IsSecureString(r) && r.Text("name")!.EndsWith("/instance-secret", StringComparison.Ordinal));
        var value = secret.Text("value")!;

        // The mocks count a version per put of value and key, as SSM does: the re-encrypted version is a new one.
        var reEncrypted = MockValues.ParameterVersion(value + keyArn);
        var before = MockValues.ParameterVersion(value);
        Assert.NotEqual(before, reEncrypted);

        using var release = JsonDocument.Parse(run.ReleaseParameter().Text("insecureValue")!);
        var named = release.RootElement.GetRawText();
        Assert.Contains($"\"parameter\":\"{secret.Text("name")}\",\"version\":{reEncrypted}", named, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task The_release_report_waits_for_the_key_and_the_session_manager_policy(string stack)
    {
        foreach (var (held, what) in new (Func<MockResourceArgs, bool>, string)[]
        {
            (r => r.Type == Key, "the stack key"),
            (r => r.Type == RolePolicy && r.Name!.EndsWith("-host-session-manager", StringComparison.Ordinal), "the Session Manager policy"),
        })
        {
            var gate = new MockGate(held);
            var program = StackRun.RunAsync(StackFiles.Load(stack), gate: gate);
            try
            {
                await gate.WaitUntilStuckAsync(program);
                Assert.True(await gate.RequestedWhileHeldAsync(r => r.Type == "aws:rds/instance:Instance"), $"the database was not requested while {what} was held");
                Assert.False(gate.Requested.Any(IsReleaseReport), $"the host's release report was requested while {what} was held");
            }
            finally
            {
                gate.Release();
            }

            await program;
            gate.AssertRequestedAfterHeldAnswered(IsReleaseReport, "the host's release report");
        }
    }

    [Theory]
    [MemberData(nameof(Ec2Stacks))]
    public async Task The_managed_policy_is_no_longer_registered_so_the_engine_detaches_it_last(string stack)
    {
        var run = await StackRun.RunAsync(StackFiles.Load(stack));

        // Nothing attaches a managed policy any more; the old <root>-host-ssm-core attachment is in the state only, and
        // the engine deletes such resources after every registration, the release report included (upgrade-facts.json).
        Assert.Empty(run.OfType("aws:iam/rolePolicyAttachment:RolePolicyAttachment"));
        Assert.Contains(run.Registered, IsReleaseReport);
        var engine = Facts("engineDeletes");
        Assert.Contains("performDeletes", engine.GetProperty("fact").GetString(), StringComparison.Ordinal);
        Assert.Contains("deployment_executor.go", engine.GetProperty("source").GetString(), StringComparison.Ordinal);

        // The host keeps Session Manager through its own policy, registered before the instance.
        var session = Assert.Single(run.OfType(RolePolicy), p => p.Name!.EndsWith("-host-session-manager", StringComparison.Ordinal));
        Assert.Equal(StackPolicies.HostSessionManager(), session.Text("policy"));
    }
}
