using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>Inputs that would widen a grant or that AWS would reject are refused with a clear message.</summary>
public class IamPolicyInputTests
{
    private static readonly AwsAccountContext Ctx = new("aws", "us-east-1", "123456789012");
    private const string LogGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/convex-infra/prod/convex";

    private static readonly BucketNames ProdBuckets = AwsTestSpecs.Buckets(AwsTestSpecs.ProdEc2());
    private static readonly IReadOnlyList<string> ProdParameters = ResourceNames.SecretParameters(AwsTestSpecs.ProdEc2()).All;

    [Theory]
    [InlineData("Prod_Bucket")]
    [InlineData("ab")]
    [InlineData("bucket-")]
    [InlineData("my..bucket")]
    [InlineData("192.168.1.1")]
    [InlineData("bucket*")]
    public void Bad_bucket_names_are_refused(string name)
    {
        var buckets = ProdBuckets with { Search = name };

        var error = Assert.Throws<ArgumentException>(() => IamPolicies.BackendAccess(Ctx, buckets, ProdParameters, null));
        Assert.Contains($"bucketName: got '{name}'", error.Message);
        Assert.Contains("Example:", error.Message);
    }

    [Theory]
    [InlineData("/convex-infra/prod/*")]
    [InlineData("/convex-infra/prod/secret?")]
    [InlineData("")]
    [InlineData("/convex-infra//prod")]
    [InlineData("with space")]
    public void Wildcard_or_malformed_parameter_names_are_refused(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => IamPolicies.BackendAccess(Ctx, ProdBuckets, [name], null));
        Assert.Contains($"parameterName: got '{name}'", error.Message);
    }

    [Fact]
    public void An_empty_parameter_list_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => IamPolicies.EcsExecution(Ctx, [], null, LogGroup));
        Assert.Contains("parameterNames: got an empty list", error.Message);
    }

    [Theory]
    [InlineData("arn:aws:kms:us-east-1:123456789012:alias/aws/ssm")]
    [InlineData("arn:aws:kms:us-east-1:123456789012:key/*")]
    [InlineData("arn:aws-cn:kms:us-east-1:123456789012:key/1234")]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab")]
    public void Kms_keys_must_be_exact_key_arns(string key)
    {
        var error = Assert.Throws<ArgumentException>(() => IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, key));
        Assert.Contains($"kmsKeyArn: got '{key}'", error.Message);
        Assert.Contains("not an alias", error.Message);
    }

    [Theory]
    [InlineData("arn:aws:logs:us-east-1:999999999999:log-group:/convex")]
    [InlineData("arn:aws:logs:eu-west-1:123456789012:log-group:/convex")]
    [InlineData("arn:aws:logs:us-east-1:123456789012:log-group:*")]
    [InlineData("arn:aws:logs:us-east-1:123456789012:log-group:")]
    [InlineData("/convex-infra/prod/convex")]
    public void Log_groups_must_belong_to_this_account_and_region(string group)
    {
        var error = Assert.Throws<ArgumentException>(() => IamPolicies.EcsExecution(Ctx, ProdParameters, null, group));
        Assert.Contains($"logGroupArn: got '{group}'", error.Message);
        Assert.Contains("arn:aws:logs:us-east-1:123456789012:log-group:", error.Message);
    }

    [Theory]
    [InlineData("AWS", "us-east-1", "123456789012", "Partition")]
    [InlineData("aws", "US-EAST-1", "123456789012", "Region")]
    [InlineData("aws", "us-east-1", "12345", "AccountId")]
    [InlineData("aws", "us-east-1", "12345678901a", "AccountId")]
    public void Account_context_refuses_malformed_values(string partition, string region, string account, string field)
    {
        var error = Assert.Throws<ArgumentException>(() => new AwsAccountContext(partition, region, account));
        Assert.Contains(field, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Example:", error.Message);
    }

    [Fact]
    public void Tls_policy_refuses_a_bad_partition()
    {
        var error = Assert.Throws<ArgumentException>(() => IamPolicies.TlsOnlyBucketPolicy("amazon", "bucket-name"));
        Assert.Contains("partition: got 'amazon'", error.Message);
    }
}
