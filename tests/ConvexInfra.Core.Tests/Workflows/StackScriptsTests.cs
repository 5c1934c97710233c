using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Workflows;

/// <summary>
/// The scripts the workflows run before touching a stack, under bash in a scratch checkout: convex-stacks.sh (which
/// stacks exist), stack-preflight.sh (environment and secrets provider) and dns-records.sh (its deadline).
/// </summary>
[Trait("Category", "Tools")]
public sealed class StackScriptsTests : IDisposable
{
    private readonly TempDir dir = new();

    public StackScriptsTests()
    {
        dir.Write("Pulumi.dev.yaml", "config:\n  aws:region: eu-west-1\n  convex-infra:target: aws-ec2\nsecretsprovider: awskms://alias/convex-infra-pulumi-dev?region=eu-west-1\n");
        dir.Write("Pulumi.staging.yaml", "config:\n  aws:region: eu-west-1\nencryptionsalt: v1:abc\n");
        dir.Write("Pulumi.prod.yaml", "config:\n  aws:region: eu-central-1\n");
        dir.Write("Pulumi.laptop.yaml", "config:\n  convex-infra:target: local\n");
    }

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData("", "", "stacks=[]", "preview-stacks=[]")]
    [InlineData("[\"dev\",\"staging\"]", "", "stacks=[\"dev\",\"staging\"]", "preview-stacks=[\"dev\"]")]
    [InlineData("[\"staging\"]", "[\"dev\"]", "stacks=[\"staging\"]", "preview-stacks=[]")]
    public void Convex_stacks_lists_only_what_is_set_up(string stacks, string preview, string expectedStacks, string expectedPreview)
    {
        var (result, output) = Run("convex-stacks.sh", [], new() { ["CONVEX_STACKS"] = stacks, ["CONVEX_PREVIEW_STACKS"] = preview });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal([expectedStacks, expectedPreview], output.Trim().Split('\n'));
        Assert.Equal(stacks.Length == 0, result.Stdout.Contains("::notice title=no stacks set up::", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("dev,staging", "must be a JSON array of distinct stack names")]
    [InlineData("[\"dev\",\"dev\"]", "must be a JSON array of distinct stack names")]
    [InlineData("[\"dev\",\"qa\"]", "CONVEX_STACKS lists qa, but there is no Pulumi.qa.yaml")]
    [InlineData("[\"laptop\"]", "Pulumi.laptop.yaml is a local stack")]
    [InlineData("[\"../prod\"]", "is not a stack name")]
    public void Convex_stacks_refuses_what_does_not_exist_naming_it(string stacks, string message)
    {
        var (result, output) = Run("convex-stacks.sh", [], new() { ["CONVEX_STACKS"] = stacks });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Stdout, StringComparison.Ordinal);
        Assert.Empty(output);
    }

    [Fact]
    public void Preflight_skips_a_stack_whose_environment_has_no_role_with_a_notice()
    {
        var (result, output) = Run("stack-preflight.sh", ["dev", "AWS_DEPLOY_ROLE_ARN"], new() { ["ENVIRONMENT"] = "the GitHub environment dev" });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal("ready=false", output.Trim());
        Assert.Contains("the GitHub environment dev has no variable AWS_DEPLOY_ROLE_ARN", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dev", "", "s3://state", 0, "ready=true")]
    [InlineData("staging", "secret", "s3://state", 0, "passphrase secrets on staging")]
    [InlineData("staging", "", "s3://state", 1, "the secret PULUMI_CONFIG_PASSPHRASE is not set for the GitHub environment staging")]
    [InlineData("staging", "", "s3://state", 1, "pulumi stack change-secrets-provider --stack staging \"awskms://alias/convex-infra-pulumi-staging?region=eu-west-1\"")]
    [InlineData("prod", "", "s3://state", 1, "pulumi stack init prod --secrets-provider \"awskms://alias/convex-infra-pulumi-prod?region=eu-central-1\"")]
    [InlineData("prod", "", "", 0, "ready=true")]
    public void Preflight_checks_the_secrets_provider_before_any_cloud_call(string stack, string passphrase, string backend, int exit, string message)
    {
        var (result, output) = Run("stack-preflight.sh", [stack, "AWS_DEPLOY_ROLE_ARN"], new()
        {
            ["ROLE"] = "arn:aws:iam::111111111111:role/deploy",
            ["ENVIRONMENT"] = $"the GitHub environment {stack}",
            ["PULUMI_CONFIG_PASSPHRASE"] = passphrase,
            ["PULUMI_BACKEND_URL"] = backend,
        });

        Assert.True(result.ExitCode == exit, result.Output);
        Assert.Contains(message, result.Stdout + output, StringComparison.Ordinal);
    }

    [Fact]
    public void Dns_records_that_never_resolve_fail_at_the_deadline_listing_them()
    {
        dir.Write("bin/pulumi", "#!/bin/sh\necho '[{\"name\":\"api.dev.example.com\",\"type\":\"CNAME\",\"value\":\"host.example.net\"}]'\n", Executable);
        dir.Write("bin/dig", "#!/bin/sh\necho 'elsewhere.example.net.'\n", Executable);

        var (result, _) = Run("dns-records.sh", ["dev", "1s"], new() { ["DNS_POLL_SECONDS"] = "1", ["PATH"] = $"{dir.Path}/bin:/usr/bin:/bin" });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("::notice title=create this DNS record for dev::api.dev.example.com CNAME host.example.net", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("::error title=DNS records of dev not live::the records above did not resolve within 1s", result.Stdout, StringComparison.Ordinal);
    }

    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    private (ToolResult Result, string Output) Run(string script, string[] arguments, Dictionary<string, string> environment)
    {
        var output = dir.Write("github-output", "");
        environment["GITHUB_OUTPUT"] = output;
        var result = ExternalTool.Run("bash", [Path.Combine(WorkflowYaml.Root, ".github", "scripts", script), .. arguments], dir.Path, environment);
        return (result, File.ReadAllText(output));
    }
}
