using System.Collections.Concurrent;
using System.Collections.Immutable;
using Moq;
using Pulumi.Testing;

namespace ConvexInfra.Components.Tests.Support;

/// <summary>
/// An <see cref="IMocks"/> (Moq) that answers like AWS would: every resource returns its inputs plus realistic
/// computed outputs (ids, ARNs, bucket names, the RDS address, the Elastic IP, random values), and invokes return
/// the shapes Pulumi.Aws deserializes (caller identity, partition, zones, the AMI parameter). Every registration
/// and call is recorded for the graph assertions.
/// </summary>
internal sealed class AwsMocks
{
    private readonly string _region;

    /// <summary>The stored revision-history parameter; null answers like SSM for a first deploy (ParameterNotFound).</summary>
    private readonly string? _revisionHistory;
    /// <summary>The database password RandomPassword answers with; null = <see cref="MockValues.DatabasePassword"/>.</summary>
    private readonly string _databasePassword;

    public AwsMocks(string region, string? revisionHistory = null, string? databasePassword = null)
    {
        _region = region;
        _revisionHistory = revisionHistory;
        _databasePassword = databasePassword ?? MockValues.DatabasePassword;
        Mock = new Mock<IMocks>(MockBehavior.Strict);
        Mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .Returns(async (MockResourceArgs args) =>
            {
                if (Hold?.Invoke(args) == true)
                {
                    await Gate.Task.ConfigureAwait(false);
                }

                return NewResource(args);
            });
        Mock.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) => Call(args));
        Mock.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns(Task.CompletedTask);
    }

    public Mock<IMocks> Mock { get; }

    /// <summary>Registrations matching this wait for <see cref="Gate"/>: whatever depends on them cannot register meanwhile.</summary>
    public Func<MockResourceArgs, bool>? Hold { get; set; }

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<MockResourceArgs> Resources { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    /// <summary>The id handed out per "type::name", to follow references between resources.</summary>
    public ConcurrentDictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The tags RDS answers for a snapshot (getSnapshot); null: those of the stack's RDS instance, as RDS copies them
    /// to its snapshots (copyTagsToSnapshot).
    /// </summary>
    public IReadOnlyDictionary<string, string>? SnapshotTags { get; set; }

    /// <summary>Subnets of someone else's VPC, as <c>ec2.getSubnet</c> answers for them: id → (VPC id, zone).</summary>
    public Dictionary<string, (string VpcId, string Zone)> Subnets { get; } = new(StringComparer.Ordinal);

    private (string? id, object state) NewResource(MockResourceArgs args)
    {
        Resources.Enqueue(args);
        var name = args.Name ?? "unnamed";
        // Derived from the resource's type and name, not the registration order, so two runs (and a graph snapshot) agree.
        var n = StableNumber($"{args.Type}::{name}");
        var state = ImmutableDictionary.CreateBuilder<string, object>();
        state.AddRange(args.Inputs);
        string id;

        switch (args.Type)
        {
            case "aws:s3/bucket:Bucket":
                // The suffix AWS adds to a prefix, derived from the resource name so two runs of one stack agree.
                var bucket = $"{Text(args, "bucketPrefix") ?? name + "-"}{MockValues.ParameterVersion(name):D8}";
                id = bucket;
                state["bucket"] = bucket;
                state["arn"] = $"arn:aws:s3:::{bucket}";
                break;
            case "aws:rds/instance:Instance":
                id = $"db-{n:D8}";
                var address = $"{name}.c0ffee{n:D4}.{_region}.rds.amazonaws.com";
                state["address"] = address;
                state["endpoint"] = $"{address}:5432";
                state["port"] = 5432;
                state["arn"] = $"arn:aws:rds:{_region}:{MockValues.AccountId}:db:{name}";
                state["identifier"] = Text(args, "identifier") ?? $"{name}-{n:D4}";
                break;
            case "aws:ecs/service:Service":
                // The provider auto-names a service and uses its ARN as the id (terraform-provider-aws ecs/service.go: d.SetId(ServiceArn)).
                var serviceName = Text(args, "name") ?? $"{name}-{n:D7}";
                var serviceCluster = Text(args, "cluster") ?? "default";
                id = $"arn:aws:ecs:{_region}:{MockValues.AccountId}:service/{serviceCluster[(serviceCluster.LastIndexOf('/') + 1)..]}/{serviceName}";
                state["name"] = serviceName;
                break;
            case "aws:ecs/cluster:Cluster":
                var clusterName = Text(args, "name") ?? $"{name}-{n:D7}";
                id = $"arn:aws:ecs:{_region}:{MockValues.AccountId}:cluster/{clusterName}";
                state["name"] = clusterName;
                state["arn"] = id;
                break;
            case "aws:ecs/taskDefinition:TaskDefinition":
                var family = Text(args, "family") ?? name;
                id = family;
                state["revision"] = 1;
                state["arnWithoutRevision"] = $"arn:aws:ecs:{_region}:{MockValues.AccountId}:task-definition/{family}";
                state["arn"] = $"arn:aws:ecs:{_region}:{MockValues.AccountId}:task-definition/{family}:1";
                break;
            case "aws:cloudwatch/logGroup:LogGroup":
                var group = Text(args, "name") ?? $"{name}-{n:D7}";
                id = group;
                state["name"] = group;
                state["arn"] = $"arn:aws:logs:{_region}:{MockValues.AccountId}:log-group:{group}";
                break;
            case "aws:sns/topic:Topic":
                var topic = Text(args, "name") ?? $"{name}-{n:D7}";
                id = $"arn:aws:sns:{Text(args, "region") ?? _region}:{MockValues.AccountId}:{topic}";
                state["name"] = topic;
                state["arn"] = id;
                break;
            case "aws:ec2/securityGroup:SecurityGroup":
                id = $"sg-{n:D17}";
                state["arn"] = $"arn:aws:ec2:{_region}:{MockValues.AccountId}:security-group/{id}";
                break;
            case "aws:ec2/subnet:Subnet":
                id = $"subnet-{n:D17}";
                state["arn"] = $"arn:aws:ec2:{_region}:{MockValues.AccountId}:subnet/{id}";
                break;
            case "aws:cloudwatch/eventRule:EventRule":
            case "aws:scheduler/schedule:Schedule":
            case "aws:cloudwatch/dashboard:Dashboard":
                var ruleName = Text(args, "name") ?? Text(args, "dashboardName") ?? $"{name}-{n:D7}";
                id = ruleName;
                state["name"] = ruleName;
                state["arn"] = $"arn:aws:mock:{_region}:{MockValues.AccountId}:{ruleName}";
                break;
            case "aws:route53/healthCheck:HealthCheck":
                id = $"{n:D8}-1111-2222-3333-444455556666";
                break;
            case "aws:lb/targetGroup:TargetGroup":
                // What CloudWatch's AWS/ApplicationELB dimensions name: the ARN from "targetgroup/" on.
                state["arnSuffix"] = $"targetgroup/{name}/{n:D16}";
                id = $"arn:aws:elasticloadbalancing:{_region}:{MockValues.AccountId}:{state["arnSuffix"]}";
                state["arn"] = id;
                break;
            case "command:local:Command":
                id = $"command-{n}";
                state["stdout"] = "pre-upgrade export: done";
                state["stderr"] = "";
                break;
            case "aws:ec2/eip:Eip":
                id = $"eipalloc-{n:D8}";
                state["publicIp"] = MockValues.ElasticIp;
                state["allocationId"] = id;
                break;
            case "aws:ec2/instance:Instance":
                id = $"i-{n:D17}";
                state["publicIp"] = "";
                state["privateIp"] = "10.0.0.10";
                state["arn"] = $"arn:aws:ec2:{_region}:{MockValues.AccountId}:instance/{id}";
                break;
            case "aws:iam/role:Role":
            case "aws:iam/instanceProfile:InstanceProfile":
            case "aws:rds/subnetGroup:SubnetGroup":
            case "aws:rds/parameterGroup:ParameterGroup":
                var autoName = Text(args, "name") ?? $"{name}-{n:D7}";
                id = autoName;
                state["name"] = autoName;
                state["arn"] = $"arn:aws:iam::{MockValues.AccountId}:role/{autoName}";
                break;
            case "aws:acm/certificate:Certificate":
                id = $"arn:aws:acm:{_region}:{MockValues.AccountId}:certificate/{n:D8}";
                state["arn"] = id;
                // ACM answers one CNAME per name on the certificate (domain name and every alternative name).
                var certificateNames = new[] { Text(args, "domainName") ?? "" }
                    .Concat(args.Inputs.TryGetValue("subjectAlternativeNames", out var sans) && sans is IEnumerable<object> list
                        ? list.Select(o => o.ToString() ?? "") : []);
                state["domainValidationOptions"] = certificateNames.Select(domain => (object)new Dictionary<string, object>
                {
                    ["domainName"] = domain,
                    ["resourceRecordName"] = $"_c0ffee.{domain}.",
                    ["resourceRecordType"] = "CNAME",
                    ["resourceRecordValue"] = $"_d00d.{domain}.acm-validations.aws.",
                }).ToImmutableArray();
                break;
            case "aws:acm/certificateValidation:CertificateValidation":
                id = Text(args, "certificateArn") ?? $"validation-{n}";
                break;
            case "aws:lb/loadBalancer:LoadBalancer":
                id = $"arn:aws:elasticloadbalancing:{_region}:{MockValues.AccountId}:loadbalancer/app/{name}/{n:D16}";
                state["arn"] = id;
                state["arnSuffix"] = $"app/{name}/{n:D16}";
                state["dnsName"] = $"{name}-{n:D10}.{_region}.elb.amazonaws.com";
                state["zoneId"] = "Z32O12XQLNTSW2";
                break;
            case "aws:route53/record:Record":
                id = $"Z0123456789ABCDEFGHIJ_{Text(args, "name")}";
                state["fqdn"] = Text(args, "name") ?? name;
                break;
            case "aws:ssm/parameter:Parameter":
                var parameter = Text(args, "name") ?? name;
                id = parameter;
                state["arn"] = $"arn:aws:ssm:{_region}:{MockValues.AccountId}:parameter{parameter}";
                // SSM counts versions up on every put (a new value, or the same value re-encrypted with another key);
                // a number derived from the value and key changes with them.
                state["version"] = MockValues.ParameterVersion((Text(args, "value") ?? Text(args, "insecureValue") ?? "") + (Text(args, "keyId") ?? ""));
                break;
            case "aws:kms/key:Key":
                id = $"{n:D8}-1234-4abc-8def-{n:D12}";
                state["keyId"] = id;
                state["arn"] = $"arn:aws:kms:{Text(args, "region") ?? _region}:{MockValues.AccountId}:key/{id}";
                break;
            case "random:index/randomBytes:RandomBytes":
                id = $"bytes-{n}";
                var hex = MockValues.RandomHex(Number(args, "length"), Keepers(args));
                state["hex"] = hex;
                state["base64"] = Convert.ToBase64String(Convert.FromHexString(hex));
                break;
            case "random:index/randomPassword:RandomPassword":
                id = "none";
                state["result"] = _databasePassword;
                break;
            case "random:index/randomInteger:RandomInteger":
                id = $"int-{n}";
                state["result"] = Number(args, "min");
                break;
            default:
                id = $"{name}-id-{n:D4}";
                state["arn"] = $"arn:aws:mock:{_region}:{MockValues.AccountId}:{name}";
                break;
        }

        Ids[$"{args.Type}::{name}"] = id;
        return (id, state.ToImmutable());
    }

    private Dictionary<string, object> Call(MockCallArgs args)
    {
        Calls.Enqueue(args);
        return args.Token switch
        {
            "aws:index/getCallerIdentity:getCallerIdentity" => new Dictionary<string, object>
            {
                ["accountId"] = MockValues.AccountId,
                ["arn"] = MockValues.CallerArn,
                ["id"] = MockValues.AccountId,
                ["userId"] = "AIDAMOCKUSER",
            },
            "aws:index/getRegion:getRegion" => new Dictionary<string, object>
            {
                ["id"] = _region,
                ["region"] = _region,
                ["name"] = _region,
                ["description"] = _region,
                ["endpoint"] = $"ec2.{_region}.amazonaws.com",
            },
            "aws:index/getPartition:getPartition" => new Dictionary<string, object>
            {
                ["partition"] = MockValues.Partition,
                ["dnsSuffix"] = "amazonaws.com",
                ["id"] = MockValues.Partition,
                ["reverseDnsPrefix"] = "com.amazonaws",
            },
            "aws:index/getAvailabilityZones:getAvailabilityZones" => new Dictionary<string, object>
            {
                ["id"] = _region,
                ["region"] = _region,
                ["state"] = "available",
                ["names"] = MockValues.Zones(_region).Cast<object>().ToImmutableArray(),
                ["zoneIds"] = MockValues.Zones(_region).Select((_, i) => (object)$"euw1-az{i + 1}").ToImmutableArray(),
                ["groupNames"] = ImmutableArray.Create<object>(_region),
                ["excludeNames"] = ImmutableArray<object>.Empty,
                ["excludeZoneIds"] = ImmutableArray<object>.Empty,
                ["filters"] = ImmutableArray<object>.Empty,
            },
            "aws:ec2/getSubnet:getSubnet" => Subnet((string)args.Args["id"]),
            "aws:rds/getInstance:getInstance" => DbInstance((string)args.Args["dbInstanceIdentifier"]),
            "aws:rds/getSnapshot:getSnapshot" => DbSnapshot((string)args.Args["dbSnapshotIdentifier"]),
            "aws:ssm/getParameter:getParameter" when ((string)args.Args["name"]).EndsWith("/revision-history", StringComparison.Ordinal) => RevisionHistory(args),
            "aws:ssm/getParameter:getParameter" => new Dictionary<string, object>
            {
                ["arn"] = $"arn:aws:ssm:{_region}::parameter{args.Args["name"]}",
                ["id"] = args.Args["name"],
                ["name"] = args.Args["name"],
                ["region"] = _region,
                ["type"] = "String",
                ["value"] = MockValues.AmiId,
                ["insecureValue"] = MockValues.AmiId,
                ["version"] = 42,
                ["withDecryption"] = true,
            },
            _ => throw new InvalidOperationException($"The mocks do not know the invoke {args.Token}; add a realistic answer."),
        };
    }

    private Dictionary<string, object> Subnet(string id) => Subnets.TryGetValue(id, out var subnet)
        ? new Dictionary<string, object>
        {
            ["id"] = id,
            ["arn"] = $"arn:aws:ec2:{_region}:{MockValues.AccountId}:subnet/{id}",
            ["vpcId"] = subnet.VpcId,
            ["availabilityZone"] = subnet.Zone,
            ["availabilityZoneId"] = $"euw1-az{subnet.Zone[^1] - 'a' + 1}",
            ["cidrBlock"] = "10.20.0.0/24",
            ["ownerId"] = MockValues.AccountId,
        }
        : throw new InvalidOperationException($"Invoke of 'aws:ec2/getSubnet:getSubnet' failed: InvalidSubnetID.NotFound: The subnet ID '{id}' does not exist");

    /// <summary>DescribeDBInstances of a registered instance: its identifier, engine, encryption and tags.</summary>
    private Dictionary<string, object> DbInstance(string identifier)
    {
        var instance = Resources.FirstOrDefault(r => r.Type == "aws:rds/instance:Instance" && Ids.TryGetValue($"{r.Type}::{r.Name}", out _)
            && (Text(r, "identifier") ?? $"{r.Name}-{StableNumber($"{r.Type}::{r.Name}"):D4}") == identifier)
            ?? throw new InvalidOperationException($"Invoke of 'aws:rds/getInstance:getInstance' failed: DBInstanceNotFound: {identifier}");
        return new Dictionary<string, object>
        {
            ["id"] = identifier,
            ["dbInstanceIdentifier"] = identifier,
            ["dbInstanceArn"] = $"arn:aws:rds:{_region}:{MockValues.AccountId}:db:{instance.Name}",
            ["engine"] = Text(instance, "engine") ?? "postgres",
            ["storageEncrypted"] = true,
            ["tags"] = TagsOf(instance),
        };
    }

    private Dictionary<string, object> DbSnapshot(string identifier)
    {
        var stackInstance = Resources.First(r => r.Type == "aws:rds/instance:Instance" && r.Name!.EndsWith("-postgres", StringComparison.Ordinal));
        return new Dictionary<string, object>
        {
            ["id"] = identifier,
            ["dbSnapshotIdentifier"] = identifier,
            ["dbSnapshotArn"] = $"arn:aws:rds:{_region}:{MockValues.AccountId}:snapshot:{identifier}",
            ["engine"] = "postgres",
            ["encrypted"] = true,
            ["tags"] = SnapshotTags is { } tags ? tags.ToDictionary(p => p.Key, p => (object)p.Value) : TagsOf(stackInstance),
        };
    }

    private static Dictionary<string, object> TagsOf(MockResourceArgs resource) =>
        resource.Inputs.TryGetValue("tags", out var value) && value is IDictionary<string, object> tags
            ? tags.ToDictionary(p => p.Key, p => p.Value)
            : [];

    private static int StableNumber(string key) =>
        (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)), 0) % 9_000_000) + 1_000_000;

    private static string? Text(MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? value as string : null;

    private static Dictionary<string, string> Keepers(MockResourceArgs args) =>
        args.Inputs.TryGetValue("keepers", out var value) && value is IDictionary<string, object> map
            ? map.ToDictionary(p => p.Key, p => Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);

    private static int Number(MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;

    private Dictionary<string, object> RevisionHistory(MockCallArgs args) => _revisionHistory is null
        ? throw new InvalidOperationException($"Invoke of 'aws:ssm/getParameter:getParameter' failed: ParameterNotFound: {args.Args["name"]}")
        : new Dictionary<string, object>
        {
            ["arn"] = $"arn:aws:ssm:{_region}:{MockValues.AccountId}:parameter{args.Args["name"]}",
            ["id"] = args.Args["name"],
            ["name"] = args.Args["name"],
            ["region"] = _region,
            ["type"] = "String",
            ["value"] = _revisionHistory,
            ["insecureValue"] = _revisionHistory,
            ["version"] = 3,
            ["withDecryption"] = true,
        };
}
