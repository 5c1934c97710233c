using System.Text.Json;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Spec;
using Pulumi;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>The program's edges: invalid settings stop it before anything exists; Pulumi config reaches Core intact.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class ProgramTests
{
    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Invalid_settings_stop_the_run_before_any_resource_or_lookup(string stack)
    {
        var broken = StackFiles.With(
            StackFiles.With(StackFiles.Load(stack), "convex-infra:instanceName", null),
            "convex-infra:imageRevision",
            "latest");
        var mocks = new AwsMocks("eu-west-1");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Deployment.TestAsync(
            mocks.Mock.Object,
            new TestOptions { ProjectName = broken.ProjectName, StackName = broken.StackName, IsPreview = false },
            () => ConvexProgram.RunAsync(broken)));

        // Both problems at once, each naming its key.
        Assert.Contains("convex-infra:instanceName", error.Message, StringComparison.Ordinal);
        Assert.Contains("convex-infra:imageRevision", error.Message, StringComparison.Ordinal);
        Assert.Empty(mocks.Resources);
        Assert.Empty(mocks.Calls);
    }

    /// <summary>
    /// The local bucket's key pair goes from Pulumi's secret config through the program to the exporter container's
    /// environment, and to no other input of any resource.
    /// </summary>
    [Fact]
    public async Task The_local_buckets_key_pair_goes_from_secret_config_to_the_exporters_environment_only()
    {
        const string secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROGRAMKEY";
        var config = new Dictionary<string, string>
        {
            ["convex-infra:target"] = "local",
            ["convex-infra:instanceName"] = "acme-local",
            ["convex-infra:imageRevision"] = "652b828b5129e6cdbcaa3c20efa8d116d09ff3bf",
            ["convex-infra:localBackupBucket"] = "{\"endpoint\":\"https://s3.example.com\",\"bucket\":\"convex-backups\"}",
            ["convex-infra:localBackupBucketAccessKeyId"] = "AKIAPROGRAMKEYID0001",
            ["convex-infra:localBackupBucketSecretAccessKey"] = secretKey,
        };
        var previousConfig = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        var previousSecrets = Environment.GetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(new[]
        {
            "convex-infra:localBackupBucketAccessKeyId", "convex-infra:localBackupBucketSecretAccessKey",
        }));
        try
        {
            var mocks = new Local.LocalMocks();
            await Deployment.TestAsync(
                mocks.Mock.Object,
                new TestOptions { ProjectName = "convex-infra", StackName = "local", IsPreview = false },
                () => ConvexProgram.RunAsync(PulumiStackConfig.Read("convex-infra", "local")));

            var exporter = Assert.Single(mocks.OfType(Local.LocalTokens.Container), c => ((string)c.Inputs["name"]).EndsWith("-exporter", StringComparison.Ordinal));
            var env = Local.LocalStackRun.Strings(exporter.Inputs["envs"]).ToList();
            Assert.Contains($"AWS_SECRET_ACCESS_KEY={secretKey}", env);
            Assert.Contains("AWS_ACCESS_KEY_ID=AKIAPROGRAMKEYID0001", env);
            Assert.All(mocks.Registered, r => Assert.DoesNotContain(
                r.Inputs.Where(p => !(ReferenceEquals(r, exporter) && p.Key == "envs")).SelectMany(p => Local.LocalStackRun.Strings(p.Value)),
                text => text.Contains(secretKey, StringComparison.Ordinal)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", previousConfig);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", previousSecrets);
        }
    }

    [Fact]
    public async Task Pulumi_config_reaches_core_with_secrets_opaque_and_unknown_keys_kept()
    {
        var config = new Dictionary<string, string>
        {
            ["convex-infra:target"] = "aws-ec2",
            ["convex-infra:sshAllowedCidrs"] = "[\"203.0.113.0/24\"]",
            ["convex-infra:instanceNmae"] = "typo-kept-for-did-you-mean",
            ["convex-infra:deploymentEnvSecrets"] = "{\"STRIPE_KEY\":\"sk_live_do_not_leak\"}",
            ["aws:region"] = "eu-west-1",
            ["aws:profile"] = "ignored",
        };
        var previousConfig = Environment.GetEnvironmentVariable("PULUMI_CONFIG");
        var previousSecrets = Environment.GetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS");
        Environment.SetEnvironmentVariable("PULUMI_CONFIG", JsonSerializer.Serialize(config));
        Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", JsonSerializer.Serialize(new[] { "convex-infra:deploymentEnvSecrets" }));
        try
        {
            StackConfig? read = null;
            await Deployment.TestAsync(
                new AwsMocks("eu-west-1").Mock.Object,
                new TestOptions { ProjectName = "convex-infra", StackName = "dev", IsPreview = false },
                () => { read = PulumiStackConfig.Read("convex-infra", "dev"); });

            Assert.NotNull(read);
            Assert.Equal("aws-ec2", read.Find("convex-infra:target")?.Raw);
            Assert.Equal("[\"203.0.113.0/24\"]", read.Find("convex-infra:sshAllowedCidrs")?.Raw);
            Assert.Equal("eu-west-1", read.Find("aws:region")?.Raw);
            Assert.Equal("typo-kept-for-did-you-mean", read.Find("convex-infra:instanceNmae")?.Raw);
            Assert.Null(read.Find("aws:profile"));

            var secret = read.Find("convex-infra:deploymentEnvSecrets");
            Assert.NotNull(secret);
            Assert.True(secret.IsSecret);
            Assert.DoesNotContain("sk_live", secret.Raw, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PULUMI_CONFIG", previousConfig);
            Environment.SetEnvironmentVariable("PULUMI_CONFIG_SECRET_KEYS", previousSecrets);
        }
    }
}
