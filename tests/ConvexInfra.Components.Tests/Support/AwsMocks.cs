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
    private int _counter;

    public AwsMocks(string region)
    {
        _region = region;
        Mock = new Mock<IMocks>(MockBehavior.Strict);
        Mock.Setup(m => m.NewResourceAsync(It.IsAny<MockResourceArgs>()))
            .ReturnsAsync((MockResourceArgs args) => NewResource(args));
        Mock.Setup(m => m.CallAsync(It.IsAny<MockCallArgs>()))
            .ReturnsAsync((MockCallArgs args) => Call(args));
        Mock.Setup(m => m.RegisterResourceOutputs(It.IsAny<MockRegisterResourceOutputsRequest>()))
            .Returns(Task.CompletedTask);
    }

    public Mock<IMocks> Mock { get; }

    public ConcurrentQueue<MockResourceArgs> Resources { get; } = new();

    public ConcurrentQueue<MockCallArgs> Calls { get; } = new();

    /// <summary>The id handed out per "type::name", to follow references between resources.</summary>
    public ConcurrentDictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

    private (string? id, object state) NewResource(MockResourceArgs args)
    {
        Resources.Enqueue(args);
        var name = args.Name ?? "unnamed";
        var n = Interlocked.Increment(ref _counter);
        var state = ImmutableDictionary.CreateBuilder<string, object>();
        state.AddRange(args.Inputs);
        string id;

        switch (args.Type)
        {
            case "aws:s3/bucket:Bucket":
                var bucket = $"{Text(args, "bucketPrefix") ?? name + "-"}{n:D8}";
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
            case "aws:cloudwatch/logGroup:LogGroup":
                var logGroup = Text(args, "name") ?? $"{name}-{n:D7}";
                id = logGroup;
                state["name"] = logGroup;
                state["arn"] = $"arn:aws:logs:{_region}:{MockValues.AccountId}:log-group:{logGroup}";
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
                break;
            case "random:index/randomBytes:RandomBytes":
                id = $"bytes-{n}";
                var hex = MockValues.HexOfLength(Number(args, "length"));
                state["hex"] = hex;
                state["base64"] = Convert.ToBase64String(Convert.FromHexString(hex));
                break;
            case "random:index/randomPassword:RandomPassword":
                id = "none";
                state["result"] = MockValues.DatabasePassword;
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
                ["arn"] = $"arn:aws:iam::{MockValues.AccountId}:user/ci",
                ["id"] = MockValues.AccountId,
                ["userId"] = "AIDAMOCKUSER",
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

    private static string? Text(MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? value as string : null;

    private static int Number(MockResourceArgs args, string key) =>
        args.Inputs.TryGetValue(key, out var value) ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
}
