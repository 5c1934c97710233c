using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Spec;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests;

/// <summary>Security and data-safety invariants over the whole resource graph of every aws-ec2 stack file.</summary>
[Collection(PulumiDeployments.Name)]
public sealed class Ec2SecurityTests(StackRuns runs) : IClassFixture<StackRuns>
{
    private const string IngressRule = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

    public static TheoryData<string> Stacks() => StackFiles.Ec2Stacks();

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task No_security_group_opens_ssh_or_postgres_to_the_world(string stack)
    {
        var run = await runs.GetAsync(stack);

        var rules = run.OfType(IngressRule).ToList();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var world = rule.Text("cidrIpv4") == "0.0.0.0/0" || rule.Text("cidrIpv6") == "::/0";
            if (world)
            {
                Assert.False(Covers(rule, 22), $"{rule.Name} opens SSH to the world");
                Assert.False(Covers(rule, 5432), $"{rule.Name} opens PostgreSQL to the world");
            }
        }

        // Rules live in their own resources, never inline (inline and separate rules fight each other).
        Assert.All(run.OfType("aws:ec2/securityGroup:SecurityGroup"), group =>
        {
            Assert.Empty(group.List("ingress"));
            Assert.Empty(group.List("egress"));
        });
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Ssh_is_open_exactly_to_the_configured_networks(string stack)
    {
        var run = await runs.GetAsync(stack);

        var sshSources = run.OfType(IngressRule).Where(rule => Covers(rule, 22)).Select(rule => rule.Text("cidrIpv4") ?? "").ToList();
        Assert.Equal(run.Spec.Network.SshAllowedCidrs.Order(StringComparer.Ordinal), sshSources.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Database_admits_only_the_backend_security_group(string stack)
    {
        var run = await runs.GetAsync(stack);
        var database = run.Single("aws:rds/instance:Instance");
        var instance = run.Single("aws:ec2/instance:Instance");

        var databaseGroup = Assert.Single(database.List("vpcSecurityGroupIds").Cast<string>());
        var backendGroup = Assert.Single(instance.List("vpcSecurityGroupIds").Cast<string>());
        Assert.NotEqual(databaseGroup, backendGroup);

        var intoDatabase = run.OfType(IngressRule).Where(rule => rule.Text("securityGroupId") == databaseGroup).ToList();
        var only = Assert.Single(intoDatabase);
        Assert.Equal(backendGroup, only.Text("referencedSecurityGroupId"));
        Assert.Null(only.Text("cidrIpv4"));
        Assert.Equal(5432, only.Number("fromPort"));
        Assert.Equal(5432, only.Number("toPort"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Database_is_private_encrypted_and_protected_by_tier(string stack)
    {
        var run = await runs.GetAsync(stack);
        var spec = run.Spec;
        var database = run.Single("aws:rds/instance:Instance");

        Assert.Equal(false, database.Flag("publiclyAccessible"));
        Assert.Equal(true, database.Flag("storageEncrypted"));
        Assert.Equal("postgres", database.Text("engine"));
        Assert.Equal(spec.Database.EngineVersion, database.Text("engineVersion"));
        Assert.Equal(spec.InstanceName.Replace('-', '_'), database.Text("dbName"));
        Assert.Equal(spec.Database.MultiAz, database.Flag("multiAz"));
        Assert.True(database.Number("maxAllocatedStorage") > database.Number("allocatedStorage"), "storage autoscaling is on");

        var deployment = Assert.Single(run.Resources.OfType<ConvexDeployment>());
        var safety = Assert.IsType<Components.Aws.DataSafety>(deployment.DataSafety);
        if (spec.Tier != Tier.Dev)
        {
            Assert.True(safety.Protect, "non-dev databases carry Pulumi's protect option");
            Assert.Equal(true, database.Flag("deletionProtection"));
            Assert.True(database.Number("backupRetentionPeriod") >= 7);
            Assert.Equal(false, database.Flag("skipFinalSnapshot"));
            Assert.False(string.IsNullOrEmpty(database.Text("finalSnapshotIdentifier")));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Database_lives_in_the_private_subnets_and_forces_ssl(string stack)
    {
        var run = await runs.GetAsync(stack);
        var plan = NetworkPlanner.Plan(run.Spec.Network.VpcCidr, MockValues.Zones(run.Spec.Region!).Take(run.Spec.Network.AvailabilityZoneCount).ToList());
        var privateCidrs = plan.PrivateSubnets.Select(s => s.Cidr).ToHashSet(StringComparer.Ordinal);
        var privateSubnetIds = run.OfType("aws:ec2/subnet:Subnet")
            .Where(subnet => privateCidrs.Contains(subnet.Text("cidrBlock") ?? ""))
            .Select(run.IdOf)
            .Order(StringComparer.Ordinal)
            .ToList();

        var group = run.Single("aws:rds/subnetGroup:SubnetGroup");
        Assert.Equal(run.Spec.Network.AvailabilityZoneCount, privateSubnetIds.Count);
        Assert.Equal(privateSubnetIds, group.List("subnetIds").Cast<string>().Order(StringComparer.Ordinal));

        var parameters = run.Single("aws:rds/parameterGroup:ParameterGroup");
        var forceSsl = Assert.Single(parameters.List("parameters").Cast<IDictionary<string, object>>(), p => (string)p["name"] == "rds.force_ssl");
        Assert.Equal("1", forceSsl["value"]);
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_bucket_is_private_encrypted_and_tls_only(string stack)
    {
        var run = await runs.GetAsync(stack);
        // The stack's five, and the backup copy's where the stack has one (BackupCopyTests): the same rules hold for it.
        var buckets = run.OfType("aws:s3/bucket:Bucket").ToList();
        Assert.Equal(Core.Ops.BackupCopyPlan.For(run.Spec) is null ? 5 : 6, buckets.Count);

        foreach (var bucket in buckets)
        {
            var id = run.IdOf(bucket);
            var block = Assert.Single(run.OfType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"), b => b.Text("bucket") == id);
            Assert.All(new[] { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" }, flag => Assert.Equal(true, block.Flag(flag)));

            var encryption = Assert.Single(
                run.OfType("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"), e => e.Text("bucket") == id);
            var rule = Assert.IsAssignableFrom<IDictionary<string, object>>(Assert.Single(encryption.List("rules")));
            var byDefault = Assert.IsAssignableFrom<IDictionary<string, object>>(rule["applyServerSideEncryptionByDefault"]);
            Assert.Contains((string)byDefault["sseAlgorithm"], new[] { "AES256", "aws:kms" });

            var policy = Assert.Single(run.OfType("aws:s3/bucketPolicy:BucketPolicy"), p => p.Text("bucket") == id);
            Assert.Contains("aws:SecureTransport", policy.Text("policy"), StringComparison.Ordinal);
            Assert.Contains(id, policy.Text("policy"), StringComparison.Ordinal);

            // Only a bucket that is not retained may be emptied on destroy; non-dev buckets are always retained.
            Assert.Equal(!run.Spec.Protection.RetainBucketsOnDelete, bucket.Flag("forceDestroy"));
            if (run.Spec.Tier != Tier.Dev)
            {
                Assert.Equal(false, bucket.Flag("forceDestroy"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Files_modules_and_exports_are_versioned_and_transient_buckets_expire(string stack)
    {
        var run = await runs.GetAsync(stack);
        string IdOfPurpose(string purpose) =>
            run.IdOf(Assert.Single(run.OfType("aws:s3/bucket:Bucket"), b => b.Text("bucketPrefix")!.EndsWith($"-{purpose}-", StringComparison.Ordinal)));

        var versioned = run.OfType("aws:s3/bucketVersioning:BucketVersioning")
            .Where(v => v.Map("versioningConfiguration").Text("status") == "Enabled")
            .Select(v => v.Text("bucket") ?? "")
            .Order(StringComparer.Ordinal)
            .ToList();
        string[] expected = Core.Ops.BackupCopyPlan.For(run.Spec) is null
            ? [IdOfPurpose("exports"), IdOfPurpose("files"), IdOfPurpose("modules")]
            : [IdOfPurpose("exports"), IdOfPurpose("files"), IdOfPurpose("modules"), IdOfPurpose("exports-copy")];
        Assert.Equal(expected.Order(StringComparer.Ordinal), versioned);

        foreach (var purpose in new[] { "exports", "imports" })
        {
            var lifecycle = Assert.Single(
                run.OfType("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"), l => l.Text("bucket") == IdOfPurpose(purpose));
            Assert.Contains(lifecycle.List("rules").Cast<IDictionary<string, object>>(), rule => rule.ContainsKey("expiration"));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Host_requires_imdsv2_and_encrypts_its_disk(string stack)
    {
        var run = await runs.GetAsync(stack);
        var instance = run.Single("aws:ec2/instance:Instance");

        var metadata = instance.Map("metadataOptions");
        Assert.Equal("required", metadata.Text("httpTokens"));
        Assert.Equal("enabled", metadata.Text("httpEndpoint"));

        var root = instance.Map("rootBlockDevice");
        Assert.Equal("True", root.Text("encrypted"));
        Assert.Equal("gp3", root.Text("volumeType"));
        Assert.Equal(run.Spec.Compute.RootVolumeGb.ToString(System.Globalization.CultureInfo.InvariantCulture), root.Text("volumeSize"));
        Assert.Equal(MockValues.AmiId, instance.Text("ami"));
        Assert.Equal(run.Spec.Compute.Ec2InstanceType, instance.Text("instanceType"));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task No_secret_value_reaches_user_data_the_release_or_plain_outputs(string stack)
    {
        var run = await runs.GetAsync(stack);
        var adminKey = await OutputValue(run, Core.Outputs.StackOutputNames.AdminKey);
        var postgresUrlName = Core.Naming.ResourceNames.SecretParameters(run.Spec).PostgresUrl;
        var postgresUrl = Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name") == postgresUrlName).Text("value");
        Assert.Contains(MockValues.DatabasePassword, postgresUrl, StringComparison.Ordinal);
        string[] secrets = [MockValues.InstanceSecretHex, MockValues.DatabasePassword, adminKey, postgresUrl!];

        var userData = run.Single("aws:ec2/instance:Instance").Text("userData");
        Assert.False(string.IsNullOrWhiteSpace(userData));
        var release = Assert.Single(run.OfType("aws:ssm/parameter:Parameter"), p => p.Text("name")?.EndsWith("/release", StringComparison.Ordinal) == true);

        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, userData, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, release.Text("insecureValue") ?? "", StringComparison.Ordinal);
            foreach (var text in await PlainOutputTexts(run))
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }

        // Everything secret still reaches the host: as SecureString parameters it reads with its role.
        var secure = run.OfType("aws:ssm/parameter:Parameter").Where(p => p.Text("type") == "SecureString").ToList();
        Assert.Equal(3, secure.Count);
        Assert.Contains(secure, p => p.Text("value") == MockValues.InstanceSecretHex);
        Assert.Contains(secure, p => p.Text("value") == adminKey);
        Assert.Contains(secure, p => p.Text("value")!.Contains(MockValues.DatabasePassword, StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Host_role_reads_only_its_buckets_and_runtime_parameters(string stack)
    {
        var run = await runs.GetAsync(stack);
        var policy = run.HostRolePolicy().Text("policy")!;

        // The stack's five buckets; the backup copy's is written by S3 replication, never by the host.
        foreach (var bucket in run.OfType("aws:s3/bucket:Bucket").Where(b => b.Name!.Contains("-storage-", StringComparison.Ordinal)))
        {
            Assert.Contains($"arn:aws:s3:::{run.IdOf(bucket)}", policy, StringComparison.Ordinal);
        }

        var parameters = Core.Naming.ResourceNames.SecretParameters(run.Spec);
        Assert.Contains(parameters.InstanceSecret.TrimStart('/'), policy, StringComparison.Ordinal);
        Assert.Contains(parameters.PostgresUrl.TrimStart('/'), policy, StringComparison.Ordinal);
        Assert.DoesNotContain(parameters.AdminKey.TrimStart('/'), policy, StringComparison.Ordinal);
        // It decrypts with its stack's key only, never with any key of the account.
        Assert.Contains($":key/{run.IdOf(run.StackKey())}\"", policy, StringComparison.Ordinal);
        Assert.DoesNotContain(":key/*", policy, StringComparison.Ordinal);

        using var document = System.Text.Json.JsonDocument.Parse(policy);
        foreach (var statement in document.RootElement.GetProperty("Statement").EnumerateArray())
        {
            var action = statement.GetProperty("Action");
            var actions = action.ValueKind == System.Text.Json.JsonValueKind.Array
                ? action.EnumerateArray().Select(a => a.GetString()).ToList()
                : [action.GetString()];
            Assert.All(actions, a => Assert.False(a == "*" || a!.EndsWith(":*", StringComparison.Ordinal), $"wildcard action {a}"));
        }
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Every_taggable_resource_carries_the_stack_tags(string stack)
    {
        var run = await runs.GetAsync(stack);
        string[] untaggable =
        [
            "aws:ec2/route:Route",
            "aws:ec2/routeTableAssociation:RouteTableAssociation",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
            "aws:s3/bucketPolicy:BucketPolicy",
            "aws:s3/bucketVersioning:BucketVersioning",
            "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
            "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
            "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
            "aws:iam/rolePolicy:RolePolicy",
            "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
            "aws:route53/record:Record",
            "aws:sns/topicSubscription:TopicSubscription",
            "aws:cloudwatch/eventTarget:EventTarget",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:scheduler/schedule:Schedule",
            "aws:kms/alias:Alias",
        ];

        var taggable = run.AwsResources.Where(r => !untaggable.Contains(r.Type ?? "")).ToList();
        Assert.True(taggable.Count > 20, $"expected the whole graph, got {taggable.Count} taggable resources");
        Assert.All(taggable, resource =>
        {
            var tags = resource.Map("tags");
            Assert.True(tags.Text("convex-infra:stack") == run.Spec.StackName, $"{resource.Type} {resource.Name} lacks the stack tag");
            Assert.Equal(run.Spec.InstanceName, tags.Text("convex-infra:instance"));
            Assert.Equal("pulumi", tags.Text("ManagedBy"));
            foreach (var (key, value) in run.Spec.Tags)
            {
                Assert.Equal(value, tags.Text(key));
            }
        });
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task Exactly_one_backend_runs(string stack)
    {
        var run = await runs.GetAsync(stack);

        var instance = run.Single("aws:ec2/instance:Instance");
        Assert.Empty(run.OfType("aws:ecs/service:Service"));
        Assert.Empty(run.OfType("aws:autoscaling/group:Group"));
        Assert.Empty(run.OfType("aws:ec2/launchTemplate:LaunchTemplate"));

        var eip = run.Single("aws:ec2/eip:Eip");
        Assert.Equal("vpc", eip.Text("domain"));
        Assert.Equal(run.IdOf(instance), eip.Text("instance"));
    }

    private static bool Covers(MockResourceArgs rule, int port) =>
        rule.Text("ipProtocol") == "-1" || (rule.Number("fromPort") <= port && port <= rule.Number("toPort"));

    internal static async Task<string> OutputValue(StackRun run, string name) =>
        await Pulumi.Utilities.OutputUtilities.GetValueAsync(Assert.IsType<Pulumi.Output<string>>(run.Outputs[name]));

    /// <summary>The text of every output that is not secret, structured ones serialized.</summary>
    internal static async Task<IReadOnlyList<string>> PlainOutputTexts(StackRun run)
    {
        var texts = new List<string>();
        foreach (var (name, value) in run.Outputs)
        {
            if (Core.Outputs.StackOutputNames.Secret.Contains(name))
            {
                continue;
            }

            texts.Add(value switch
            {
                string text => text,
                Pulumi.Output<string> output => await Pulumi.Utilities.OutputUtilities.GetValueAsync(output),
                Pulumi.Output<System.Collections.Immutable.ImmutableDictionary<string, object>> map =>
                    System.Text.Json.JsonSerializer.Serialize(await Pulumi.Utilities.OutputUtilities.GetValueAsync(map)),
                Pulumi.Output<System.Collections.Immutable.ImmutableArray<object>> list =>
                    System.Text.Json.JsonSerializer.Serialize(await Pulumi.Utilities.OutputUtilities.GetValueAsync(list)),
                null => "",
                _ => System.Text.Json.JsonSerializer.Serialize(value),
            });
        }

        return texts;
    }
}
