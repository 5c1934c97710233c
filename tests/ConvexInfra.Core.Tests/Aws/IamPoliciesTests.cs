using System.Text.RegularExpressions;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;

namespace ConvexInfra.Core.Tests.Aws;

public class IamPoliciesTests
{
    private static readonly AwsAccountContext Ctx = new("aws", "us-east-1", "123456789012");
    private const string KmsKey = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string LogGroup = "arn:aws:logs:us-east-1:123456789012:log-group:/convex-infra/prod/convex";

    private static readonly BucketNames ProdBuckets = AwsTestSpecs.Buckets(AwsTestSpecs.ProdEc2());
    private static readonly IReadOnlyList<string> ProdParameters = ResourceNames.SecretParameters(AwsTestSpecs.ProdEc2()).All;

    [Theory]
    [InlineData("ec2", "AllowEc2AssumeRole", "ec2.amazonaws.com")]
    [InlineData("ecs", "AllowEcsTasksAssumeRole", "ecs-tasks.amazonaws.com")]
    [InlineData("scheduler", "AllowSchedulerAssumeRole", "scheduler.amazonaws.com")]
    public void Assume_role_policies_trust_exactly_one_service(string which, string sid, string service)
    {
        var policy = which switch
        {
            "ec2" => IamPolicies.Ec2AssumeRole(),
            "ecs" => IamPolicies.EcsTasksAssumeRole(),
            _ => IamPolicies.SchedulerAssumeRole(),
        };

        Assert.Equal(
            $$"""{"Version":"2012-10-17","Statement":[{"Sid":"{{sid}}","Effect":"Allow","Principal":{"Service":"{{service}}"},"Action":["sts:AssumeRole"]}]}""",
            policy);
    }

    [Fact]
    public void Backend_access_grants_exact_actions_on_exactly_the_five_buckets_and_the_given_parameters()
    {
        var statements = PolicyJson.Statements(IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, KmsKey));

        Assert.Equal(["ConvexObjectsReadWrite", "ConvexExportsWriteOnce", "ConvexBucketsList", "StackParametersRead", "StackParametersDecrypt"], statements.Select(s => s.Sid));
        Assert.All(statements, s => Assert.Equal("Allow", s.Effect));
        Assert.All(statements, s => Assert.Null(s.Principal));

        var objects = statements[0];
        Assert.Equal(["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], objects.Actions);
        Assert.Equal(
            [
                "arn:aws:s3:::prod-acme-prod-snapshot-imports/*",
                "arn:aws:s3:::prod-acme-prod-modules/*",
                "arn:aws:s3:::prod-acme-prod-files/*",
                "arn:aws:s3:::prod-acme-prod-search/*",
            ],
            objects.Resources);

        // The backups: written and read, never deleted (issue 24).
        var exports = statements[1];
        Assert.Equal(["s3:AbortMultipartUpload", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"], exports.Actions);
        Assert.Equal(["arn:aws:s3:::prod-acme-prod-exports/*"], exports.Resources);

        var buckets = statements[2];
        Assert.Equal(["s3:GetBucketLocation", "s3:ListBucket"], buckets.Actions);
        Assert.Equal(ProdBuckets.All.Select(b => $"arn:aws:s3:::{b}"), buckets.Resources);

        var parameters = statements[3];
        Assert.Equal(["ssm:GetParameter", "ssm:GetParameters"], parameters.Actions);
        Assert.Equal(
            [
                "arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/instance-secret",
                "arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/postgres-url",
                "arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/admin-key",
            ],
            parameters.Resources);

        var decrypt = statements[4];
        Assert.Equal(["kms:Decrypt"], decrypt.Actions);
        Assert.Equal([KmsKey], decrypt.Resources);
        Assert.Equal("ssm.us-east-1.amazonaws.com", decrypt.Conditions["StringEquals"]["kms:ViaService"]);
    }

    [Fact]
    public void Without_a_customer_key_decrypt_is_limited_to_ssm_in_this_account_and_region()
    {
        var statements = PolicyJson.Statements(IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, kmsKeyArn: null));

        var decrypt = Assert.Single(statements, s => s.Sid == "StackParametersDecrypt");
        Assert.Equal(["arn:aws:kms:us-east-1:123456789012:key/*"], decrypt.Resources);
        Assert.Equal(new Dictionary<string, string> { ["kms:ViaService"] = "ssm.us-east-1.amazonaws.com" }, decrypt.Conditions["StringEquals"]);
    }

    [Fact]
    public void Backend_access_can_also_write_host_logs_to_one_group()
    {
        var statements = PolicyJson.Statements(IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, null, LogGroup));

        var logs = statements[^1];
        Assert.Equal("HostLogsWrite", logs.Sid);
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], logs.Actions);
        Assert.Equal([LogGroup, LogGroup + ":*"], logs.Resources);
        Assert.DoesNotContain(PolicyJson.Statements(IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, null)), s => s.Sid == "HostLogsWrite");
    }

    [Fact]
    public void Ecs_task_role_gets_the_buckets_of_backend_access_and_only_the_plain_database_address_parameter()
    {
        var task = PolicyJson.Statements(IamPolicies.EcsTask(Ctx, ProdBuckets, "/convex-infra/prod/db-host"));
        var backend = PolicyJson.Statements(IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, null));

        Assert.Equal(["ConvexObjectsReadWrite", "ConvexExportsWriteOnce", "ConvexBucketsList", "DatabaseAddressRead"], task.Select(s => s.Sid));
        static string Grant(ParsedStatement s) => $"{s.Effect} {string.Join(',', s.Actions)} on {string.Join(',', s.Resources)}";
        Assert.Equal(backend.Where(s => s.Sid.StartsWith("Convex", StringComparison.Ordinal)).Select(Grant), task.SkipLast(1).Select(Grant));
        // One plain String parameter, GetParameter only; no secret parameter and no key (a String needs no kms:Decrypt).
        Assert.Equal("Allow ssm:GetParameter on arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/db-host", Grant(task[^1]));
        Assert.DoesNotContain(task, s => s.Actions.Any(a => a.StartsWith("kms:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Ecs_execution_reads_the_injected_secrets_and_writes_logs_only()
    {
        var statements = PolicyJson.Statements(IamPolicies.EcsExecution(Ctx, ProdParameters.Take(2).ToList(), KmsKey, LogGroup + ":*"));

        Assert.Equal(["TaskSecretsRead", "TaskSecretsDecrypt", "TaskLogsWrite"], statements.Select(s => s.Sid));
        Assert.Equal(["ssm:GetParameters"], statements[0].Actions);
        Assert.Equal(
            [
                "arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/instance-secret",
                "arn:aws:ssm:us-east-1:123456789012:parameter/convex-infra/prod/postgres-url",
            ],
            statements[0].Resources);
        Assert.Equal(["kms:Decrypt"], statements[1].Actions);
        Assert.Equal([KmsKey], statements[1].Resources);
        Assert.Equal(["logs:CreateLogStream", "logs:PutLogEvents"], statements[2].Actions);
        Assert.Equal([LogGroup, LogGroup + ":*"], statements[2].Resources);
        Assert.DoesNotContain(statements.SelectMany(s => s.Actions), action => action.StartsWith("ecr:", StringComparison.Ordinal));
    }

    [Fact]
    public void Tls_only_bucket_policy_denies_plain_http_on_bucket_and_objects()
    {
        var statement = Assert.Single(PolicyJson.Statements(IamPolicies.TlsOnlyBucketPolicy("aws", "prod-acme-prod-files")));

        Assert.Equal("DenyInsecureTransport", statement.Sid);
        Assert.Equal("Deny", statement.Effect);
        Assert.Equal("*", statement.Principal);
        Assert.Equal(["s3:*"], statement.Actions);
        Assert.Equal(["arn:aws:s3:::prod-acme-prod-files", "arn:aws:s3:::prod-acme-prod-files/*"], statement.Resources);
        Assert.Equal("false", statement.Conditions["Bool"]["aws:SecureTransport"]);
    }

    public static TheoryData<string> EveryPolicy() =>
    [
        IamPolicies.Ec2AssumeRole(),
        IamPolicies.EcsTasksAssumeRole(),
        IamPolicies.SchedulerAssumeRole(),
        IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, KmsKey, LogGroup),
        IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, null),
        IamPolicies.EcsExecution(Ctx, ProdParameters, null, LogGroup),
        IamPolicies.TlsOnlyBucketPolicy("aws", "prod-acme-prod-files"),
    ];

    /// <summary>
    /// Wildcards AWS leaves no way around, each documented in IamPolicies: "bucket/*" names every object,
    /// "log-group:NAME:*" the run-time log streams, "key/*" (only with kms:ViaService) the AWS-managed SSM key.
    /// </summary>
    [Theory]
    [MemberData(nameof(EveryPolicy))]
    public void Allow_statements_have_no_wildcard_action_and_only_the_documented_resource_wildcards(string policy)
    {
        var statements = PolicyJson.Statements(policy);

        Assert.Equal(statements.Count, statements.Select(s => s.Sid).Distinct().Count());
        Assert.All(statements, s => Assert.Matches("^[A-Za-z0-9]+$", s.Sid));
        foreach (var statement in statements.Where(s => s.Effect == "Allow"))
        {
            Assert.NotEmpty(statement.Actions);
            Assert.All(statement.Actions, action => Assert.DoesNotContain("*", action));
            Assert.All(statement.Actions, action => Assert.Matches("^[a-z0-9-]+:[A-Za-z]+$", action));
            Assert.NotEqual("*", statement.Principal);
            foreach (var resource in statement.Resources.Where(r => r.Contains('*', StringComparison.Ordinal)))
            {
                var objectWildcard = Regex.IsMatch(resource, "^arn:aws:s3:::[a-z0-9.-]+/\\*$");
                var logStreams = Regex.IsMatch(resource, "^arn:aws:logs:us-east-1:123456789012:log-group:[^*]+:\\*$");
                var ssmKey = resource == "arn:aws:kms:us-east-1:123456789012:key/*"
                    && statement.Conditions["StringEquals"]["kms:ViaService"] == "ssm.us-east-1.amazonaws.com";
                Assert.True(objectWildcard || logStreams || ssmKey, $"undocumented wildcard {resource} in {statement.Sid}");
            }
        }
    }

    [Fact]
    public void Policies_of_two_stacks_share_no_resource()
    {
        var dev = AwsTestSpecs.DevEc2();
        var prod = AwsTestSpecs.ProdEc2();
        const string devKey = "arn:aws:kms:us-east-1:123456789012:key/0000aaaa-12ab-34cd-56ef-1234567890ab";
        var devPolicies = new[]
        {
            IamPolicies.BackendAccess(Ctx, AwsTestSpecs.Buckets(dev), ResourceNames.SecretParameters(dev).All, devKey),
            IamPolicies.EcsExecution(Ctx, ResourceNames.SecretParameters(dev).All, devKey, "arn:aws:logs:us-east-1:123456789012:log-group:/convex-infra/dev/convex"),
        };
        var prodPolicies = new[]
        {
            IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, KmsKey),
            IamPolicies.EcsExecution(Ctx, ProdParameters, KmsKey, LogGroup),
        };

        var devResources = PolicyJson.AllowedResources(devPolicies).ToHashSet();
        var prodResources = PolicyJson.AllowedResources(prodPolicies).ToHashSet();

        Assert.NotEmpty(devResources);
        Assert.Empty(devResources.Intersect(prodResources));
        Assert.All(devResources, resource => Assert.False(
            prodResources.Any(p => p.EndsWith('*') && resource.StartsWith(p[..^1], StringComparison.Ordinal)),
            $"{resource} is covered by a prod wildcard"));
    }

    [Fact]
    public void With_the_aws_managed_key_two_stacks_share_only_the_ssm_conditioned_decrypt()
    {
        var dev = AwsTestSpecs.DevEc2();
        var devPolicy = IamPolicies.BackendAccess(Ctx, AwsTestSpecs.Buckets(dev), ResourceNames.SecretParameters(dev).All, null);
        var prodPolicy = IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, null);

        var shared = PolicyJson.AllowedResources(devPolicy).Intersect(PolicyJson.AllowedResources(prodPolicy));

        Assert.Equal(["arn:aws:kms:us-east-1:123456789012:key/*"], shared);
    }

    [Fact]
    public void Same_inputs_give_byte_equal_documents()
    {
        Assert.Equal(
            IamPolicies.BackendAccess(Ctx, ProdBuckets, ProdParameters, KmsKey),
            IamPolicies.BackendAccess(new AwsAccountContext("aws", "us-east-1", "123456789012"), ProdBuckets, ProdParameters.ToList(), KmsKey));
    }

    [Fact]
    public void Other_partitions_use_their_arns_and_service_domain()
    {
        var china = new AwsAccountContext("aws-cn", "cn-north-1", "123456789012");
        var statements = PolicyJson.Statements(IamPolicies.BackendAccess(china, ProdBuckets, ["convex/secret"], null));

        Assert.Equal("arn:aws-cn:s3:::prod-acme-prod-files/*", statements[0].Resources[2]);
        Assert.Equal(["arn:aws-cn:s3:::prod-acme-prod-exports/*"], statements[1].Resources);
        Assert.Equal(["arn:aws-cn:ssm:cn-north-1:123456789012:parameter/convex/secret"], statements[3].Resources);
        Assert.Equal("ssm.cn-north-1.amazonaws.com.cn", statements[4].Conditions["StringEquals"]["kms:ViaService"]);
    }

    [Fact]
    public void The_ec2_host_may_write_only_its_own_status_parameter_and_one_metric_namespace()
    {
        var spec = AwsTestSpecs.ProdEc2();
        var status = ResourceNames.HostStatusParameter(spec);
        IReadOnlyList<string> reads = [.. ProdParameters, ResourceNames.ReleaseParameter(spec), ResourceNames.HostToolingParameter(spec)];
        var policy = IamPolicies.Ec2HostAccess(Ctx, ProdBuckets, reads, status, "ConvexInfra/Host", LogGroup, KmsKey);
        var statements = PolicyJson.Statements(policy);

        var writes = statements.Where(s => s.Actions.Any(a => a.StartsWith("ssm:", StringComparison.Ordinal) && a != "ssm:GetParameter" && a != "ssm:GetParameters")).ToList();
        var write = Assert.Single(writes);
        Assert.Equal(["ssm:PutParameter"], write.Actions);
        Assert.Equal([$"arn:aws:ssm:us-east-1:123456789012:parameter{status}"], write.Resources);
        Assert.DoesNotContain(statements.Where(s => s.Sid == "StackParametersRead").SelectMany(s => s.Resources), r => r.EndsWith(status, StringComparison.Ordinal));

        var metric = Assert.Single(statements, s => s.Actions.Contains("cloudwatch:PutMetricData"));
        Assert.Equal(["cloudwatch:PutMetricData"], metric.Actions);
        Assert.Contains("\"cloudwatch:namespace\":\"ConvexInfra/Host\"", policy, StringComparison.Ordinal);
        Assert.Contains(statements, s => s.Sid == "HostLogsWrite");
        Assert.Throws<ArgumentException>(() => IamPolicies.Ec2HostAccess(Ctx, ProdBuckets, [.. reads, status], status, "ConvexInfra/Host", LogGroup, KmsKey));
        // The host decrypts with the stack's key only, never with any key of the account.
        Assert.Equal([KmsKey], Assert.Single(statements, s => s.Sid == "StackParametersDecrypt").Resources);
        Assert.Throws<ArgumentException>(() => IamPolicies.Ec2HostAccess(Ctx, ProdBuckets, reads, status, "ConvexInfra/Host", LogGroup, "arn:aws:kms:us-east-1:123456789012:key/*"));
    }
}
