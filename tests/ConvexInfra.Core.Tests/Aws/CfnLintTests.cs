using System.Diagnostics;
using System.Text.Json.Nodes;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// Validates every rendered policy with cfn-lint (its IAM schema, trust-policy and resource-policy rules and
/// W3037, which knows every real IAM action), by placing the documents in a CloudFormation template.
/// A missing cfn-lint fails the test; it never passes silently.
/// </summary>
[Trait("Category", "Tools")]
public class CfnLintTests
{
    private static readonly AwsAccountContext Ctx = new("aws", "us-east-1", "123456789012");
    private const string KmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string LogGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/convex-infra/prod/convex";

    [Fact]
    public void Every_policy_passes_cfn_lint()
    {
        var spec = AwsTestSpecs.ProdEc2();
        var buckets = AwsTestSpecs.Buckets(spec);
        var parameters = ResourceNames.SecretParameters(spec).All.Append(ResourceNames.ReleaseParameter(spec)).ToList();
        var template = Template(
            ("BackendWithKey", ManagedPolicy(IamPolicies.BackendAccess(Ctx, buckets, parameters, KmsKey, LogGroup))),
            ("BackendWithSsmKey", ManagedPolicy(IamPolicies.BackendAccess(Ctx, buckets, parameters, null))),
            ("EcsExecution", ManagedPolicy(IamPolicies.EcsExecution(Ctx, parameters.Take(2).ToList(), null, LogGroup))),
            ("Ec2Role", Role(IamPolicies.Ec2AssumeRole())),
            ("EcsTaskRole", Role(IamPolicies.EcsTasksAssumeRole())),
            ("SchedulerRole", Role(IamPolicies.SchedulerAssumeRole())),
            ("FilesBucketPolicy", BucketPolicy(buckets.Files, IamPolicies.TlsOnlyBucketPolicy("aws", buckets.Files))));

        var (exitCode, output) = CfnLint(template);

        Assert.True(exitCode == 0, $"cfn-lint exited {exitCode}:\n{output}\n{template}");
    }

    [Fact]
    public void Cfn_lint_catches_a_misspelt_action()
    {
        var broken = IamPolicies.Ec2AssumeRole().Replace("sts:AssumeRole", "sts:AssumeRoll", StringComparison.Ordinal);

        var (exitCode, output) = CfnLint(Template(("BrokenRole", Role(broken))));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("assumeroll", output, StringComparison.OrdinalIgnoreCase);
    }

    private static JsonObject ManagedPolicy(string policy) => new()
    {
        ["Type"] = "AWS::IAM::ManagedPolicy",
        ["Properties"] = new JsonObject { ["PolicyDocument"] = JsonNode.Parse(policy) },
    };

    private static JsonObject Role(string trustPolicy) => new()
    {
        ["Type"] = "AWS::IAM::Role",
        ["Properties"] = new JsonObject { ["AssumeRolePolicyDocument"] = JsonNode.Parse(trustPolicy) },
    };

    private static JsonObject BucketPolicy(string bucket, string policy) => new()
    {
        ["Type"] = "AWS::S3::BucketPolicy",
        ["Properties"] = new JsonObject { ["Bucket"] = bucket, ["PolicyDocument"] = JsonNode.Parse(policy) },
    };

    private static string Template(params (string Name, JsonObject Resource)[] resources)
    {
        var body = new JsonObject();
        foreach (var (name, resource) in resources)
        {
            body[name] = resource;
        }

        return new JsonObject { ["AWSTemplateFormatVersion"] = "2010-09-09", ["Resources"] = body }.ToJsonString();
    }

    private static (int ExitCode, string Output) CfnLint(string template)
    {
        var path = Path.Combine(Path.GetTempPath(), $"convex-infra-iam-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, template);
        try
        {
            var info = new ProcessStartInfo("cfn-lint")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add("--regions");
            info.ArgumentList.Add("us-east-1");
            info.ArgumentList.Add("--");
            info.ArgumentList.Add(path);
            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                Assert.Fail("cfn-lint is not on PATH: install it (pip install cfn-lint; it ships with the dotnet machine image)");
                throw;
            }

            using (process)
            {
                var stdout = process.StandardOutput.ReadToEndAsync();
                var stderr = process.StandardError.ReadToEndAsync();
                if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
                {
                    process.Kill(entireProcessTree: true);
                    Assert.Fail("cfn-lint did not finish in 120 s");
                }

                process.WaitForExit();
                return (process.ExitCode, stdout.Result + stderr.Result);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
