using System.Text.Json;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Aws.Iam;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>
/// Core's Data/iam-actions.json, the IAM action map read from the Terraform AWS provider: every call cites the
/// provider file and function it is made in, conditional calls say when, and the ones the CI policies do not grant are
/// listed in docs/cicd.md.
/// </summary>
public partial class IamActionDataTests
{
    private static IEnumerable<(string Owner, IamCall Call)> AllCalls() =>
        IamActionMap.ResourceTypes.Values.SelectMany(r => r.Calls.Select(c => (r.Type, c)))
            .Concat(IamActionMap.InvokeSources.Values.SelectMany(i => i.Calls.Select(c => (i.Token, c))));

    [Fact]
    public void Every_call_cites_a_provider_file_and_the_function_that_makes_it()
    {
        var calls = AllCalls().ToList();

        Assert.True(calls.Count > 150, $"expected the whole table, found {calls.Count} calls");
        Assert.All(calls, c =>
        {
            Assert.Matches(ProviderFile(), c.Call.File);
            Assert.Matches(GoFunction(), c.Call.Function);
            Assert.Matches("^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$", c.Call.Action.Name);
        });
        Assert.All(IamActionMap.ResourceTypes.Values, r =>
        {
            Assert.Matches(ProviderFile(), r.File);
            Assert.NotEmpty(r.Create);
            Assert.NotEmpty(r.Read);
        });
        Assert.All(IamActionMap.InvokeSources.Values, i => Assert.Matches(ProviderFile(), i.File));

        // The files said to be read in the provider's source are files the table cites.
        var cited = calls.Select(c => c.Call.File).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(IamActionMap.ReadInSource);
        Assert.All(IamActionMap.ReadInSource, f => Assert.Contains(f, cited));
    }

    [Fact]
    public void Every_resource_file_is_read_in_the_providers_source()
    {
        var files = IamActionMap.ResourceTypes.Values.Select(r => r.File).ToHashSet(StringComparer.Ordinal);
        var read = IamActionMap.ReadInSource.ToHashSet(StringComparer.Ordinal);
        var unread = IamActionMap.Unread.ToHashSet(StringComparer.Ordinal);

        Assert.Empty(read.Intersect(unread));
        Assert.All(files, f => Assert.True(read.Contains(f) || unread.Contains(f), $"{f} is neither in readInSource nor in unread: read it in the provider's source, or list it as unread"));
        Assert.All(unread, f => Assert.Contains(f, files));

        // Every resource file has been read in the provider's source: the unread list stays empty, so a new type
        // comes with its reading.
        Assert.Empty(IamActionMap.Unread);
    }

    [Theory]
    [InlineData("aws:ecs/taskDefinition:TaskDefinition", "ecs:DeleteTaskDefinitions")]
    [InlineData("aws:sns/topic:Topic", "sns:GetTopicAttributes", IamPhase.Delete)]
    public void Calls_the_provider_does_not_make_are_not_in_the_table(string type, string action, IamPhase? phase = null)
    {
        Assert.DoesNotContain(IamActionMap.ResourceTypes[type].Calls, c => c.Action.Name == action && (phase is null || c.Phase == phase));
    }

    [Theory]
    [InlineData("aws:route53/record:Record", IamPhase.Update, "route53:GetHostedZone", null)]
    [InlineData("aws:route53/record:Record", IamPhase.Delete, "route53:GetHostedZone", null)]
    [InlineData("aws:cloudwatch/metricAlarm:MetricAlarm", IamPhase.Create, "cloudwatch:DescribeAlarms", null)]
    [InlineData("aws:iam/instanceProfile:InstanceProfile", IamPhase.Read, "iam:GetRole", null)]
    [InlineData("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", IamPhase.Delete, "s3:GetBucketPublicAccessBlock", null)]
    [InlineData("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", IamPhase.Update, "s3:GetLifecycleConfiguration", null)]
    [InlineData("aws:iam/instanceProfile:InstanceProfile", IamPhase.Update, "iam:GetInstanceProfile", null)]
    [InlineData("aws:acm/certificate:Certificate", IamPhase.Update, "acm:RenewCertificate", IamConditionKind.Setting)]
    [InlineData("aws:acm/certificate:Certificate", IamPhase.Update, "acm:UpdateCertificateOptions", IamConditionKind.Setting)]
    [InlineData("aws:ec2/securityGroup:SecurityGroup", IamPhase.Update, "ec2:DescribeSecurityGroups", null)]
    [InlineData("aws:ec2/securityGroup:SecurityGroup", IamPhase.Create, "ec2:AuthorizeSecurityGroupEgress", IamConditionKind.Setting)]
    [InlineData("aws:ec2/vpc:Vpc", IamPhase.Create, "ec2:DescribeVpcAttribute", null)]
    [InlineData("aws:ec2/subnet:Subnet", IamPhase.Create, "ec2:ModifySubnetAttribute", IamConditionKind.Setting)]
    [InlineData("aws:ec2/subnet:Subnet", IamPhase.Delete, "ec2:DescribeVpcEndpoints", IamConditionKind.Fallback)]
    [InlineData("aws:ec2/routeTable:RouteTable", IamPhase.Read, "ec2:DescribeNetworkInterfaces", IamConditionKind.Setting)]
    [InlineData("aws:ec2/route:Route", IamPhase.Update, "ec2:ReplaceRoute", IamConditionKind.FieldChange)]
    [InlineData("aws:iam/instanceProfile:InstanceProfile", IamPhase.Create, "iam:PassRole", null)]
    public void Calls_found_on_re_reading_the_provider_are_in_the_table(string type, IamPhase phase, string action, IamConditionKind? kind)
    {
        var call = Assert.Single(IamActionMap.ResourceTypes[type].Calls, c => c.Phase == phase && c.Action.Name == action);

        Assert.Equal(kind, call.Condition?.Kind);
    }

    [Fact]
    public void Every_conditional_call_says_when_and_every_ungranted_one_is_listed_in_the_docs()
    {
        var docs = File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "docs", "cicd.md"));
        var section = docs[docs.IndexOf("### Calls made only on a condition", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", StringComparison.Ordinal)];
        var rows = section.Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();

        var conditional = AllCalls().Where(c => c.Call.Condition is not null).ToList();
        var notGranted = AllCalls().Where(c => !c.Call.Granted).ToList();

        Assert.NotEmpty(notGranted);
        Assert.All(conditional, c => Assert.False(string.IsNullOrWhiteSpace(c.Call.Condition!.When), $"{c.Owner} {c.Call.Action.Name}"));
        Assert.All(notGranted, c => Assert.NotNull(c.Call.Condition));
        Assert.All(notGranted, c => Assert.True(
            rows.Any(row => row.Contains($"`{c.Owner}`", StringComparison.Ordinal) && row.Contains($"`{c.Call.Action.Name}`", StringComparison.Ordinal)),
            $"{c.Owner} {c.Call.Action.Name} is not granted (\"grant\": \"docs\"), so docs/cicd.md's 'Calls made only on a condition' table must name both"));
        Assert.All(rows, row => Assert.True(
            notGranted.Any(c => row.Contains($"`{c.Owner}`", StringComparison.Ordinal) && row.Contains($"`{c.Call.Action.Name}`", StringComparison.Ordinal)),
            $"docs/cicd.md lists a call the map does not leave ungranted: {row}"));

        // The prose before the table names the conditional calls the deploy policy grants: each must be one.
        var prose = section[..section.IndexOf("| Type |", StringComparison.Ordinal)];
        var named = ActionInBackticks().Matches(prose).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, action => Assert.True(
            conditional.Any(c => c.Call.Granted && c.Call.Action.Name == action),
            $"docs/cicd.md says the deploy policy grants the conditional call {action}, which the map does not mark as a granted conditional call"));
    }

    [Fact]
    public void Ungranted_calls_are_not_requested_and_granted_conditional_calls_are()
    {
        var target = new IamTarget("aws", "123456789012", "eu-west-1", "convex-infra", "prod", "acme-pulumi-state", "arn:aws:kms:eu-west-1:123456789012:key/k");
        RegisteredResource Resource(string type, params (string Key, string Value)[] inputs) => new(type, "r", "prod-x", inputs.ToDictionary(i => i.Key, i => i.Value));

        var requests = IamActionMap.Requests(target, [Resource("aws:ec2/subnet:Subnet"), Resource("aws:cloudwatch/metricAlarm:MetricAlarm", ("name", "prod-x"))], [], IamRole.Deploy);

        Assert.DoesNotContain(requests, r => r.Action == "ec2:DeleteNetworkInterface");
        Assert.Contains(requests, r => r.Action == "ec2:DescribeNetworkInterfaces");
        var linked = Assert.Single(requests, r => r.Action == "iam:CreateServiceLinkedRole");
        Assert.Equal("events.amazonaws.com", linked.Context["iam:AWSServiceName"]);
        Assert.Equal("arn:aws:iam::123456789012:role/aws-service-role/events.amazonaws.com/AWSServiceRole", linked.Resource);
    }

    [Theory]
    [InlineData("aws:lb/listener:Listener", IamPhase.Create, "elasticloadbalancing:ModifyListenerAttributes", null)]
    [InlineData("aws:ecs/service:Service", IamPhase.Create, "ecs:ListServiceDeployments", null)]
    [InlineData("aws:ecs/service:Service", IamPhase.Create, "ecs:DescribeServiceDeployments", null)]
    [InlineData("aws:ecs/service:Service", IamPhase.Update, "ecs:DescribeServiceDeployments", null)]
    [InlineData("aws:cloudwatch/metricAlarm:MetricAlarm", IamPhase.Create, "iam:CreateServiceLinkedRole", IamConditionKind.FirstUse)]
    [InlineData("aws:ec2/instance:Instance", IamPhase.Update, "ec2:ModifyVolume", IamConditionKind.FieldChange)]
    [InlineData("aws:s3/bucket:Bucket", IamPhase.Tag, "s3:TagResource", null)]
    [InlineData("aws:s3/bucket:Bucket", IamPhase.Tag, "s3:ListTagsForResource", null)]
    [InlineData("aws:s3/bucket:Bucket", IamPhase.Tag, "s3:UntagResource", IamConditionKind.FieldChange)]
    [InlineData("aws:s3/bucket:Bucket", IamPhase.Tag, "s3:PutBucketTagging", IamConditionKind.Fallback)]
    [InlineData("aws:kms/key:Key", IamPhase.Create, "kms:CreateKey", null)]
    [InlineData("aws:kms/alias:Alias", IamPhase.Read, "kms:ListAliases", null)]
    [InlineData("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", IamPhase.Create, "s3:PutBucketObjectLockConfiguration", null)]
    public void The_calls_the_hand_written_table_missed_are_granted(string type, IamPhase phase, string action, IamConditionKind? kind)
    {
        var call = Assert.Single(IamActionMap.ResourceTypes[type].Calls, c => c.Phase == phase && c.Action.Name == action);

        Assert.True(call.Granted);
        Assert.Equal(kind, call.Condition?.Kind);
    }

    [Fact]
    public void Adding_the_role_to_the_instance_profile_passes_it_and_the_deploy_policy_allows_that_with_or_without_a_service_named()
    {
        // AddRoleToInstanceProfile: "The caller of this operation must be granted the PassRole permission on the IAM
        // role" (IAM API reference; botocore data/iam/2010-05-08/service-2.json). No iam:PassedToService value is
        // documented for it, so the map requests it without one, and the policy must allow both forms.
        var target = new IamTarget("aws", "123456789012", "eu-west-1", "convex-infra", "prod", "acme-pulumi-state", "arn:aws:kms:eu-west-1:123456789012:key/k");
        var profile = new RegisteredResource("aws:iam/instanceProfile:InstanceProfile", "profile", "prod-host", new Dictionary<string, string> { ["role"] = "prod-host-role" });

        var pass = Assert.Single(IamActionMap.Requests(target, [profile], [], IamRole.Deploy), r => r.Action == "iam:PassRole");

        Assert.Equal("arn:aws:iam::123456789012:role/prod-host-role", pass.Resource);
        Assert.False(pass.Context.ContainsKey("iam:PassedToService"));
        Assert.DoesNotContain(IamActionMap.Requests(target, [profile], [], IamRole.Preview), r => r.Action == "iam:PassRole");

        var deploy = Workflows.CiAccountModel.Policy("permissions-deploy.json", "prod");
        Assert.Equal(IamDecision.Allowed, deploy.Evaluate(pass));
        Assert.Equal(IamDecision.Allowed, deploy.Evaluate(pass with { Context = new Dictionary<string, string>(pass.Context) { ["iam:PassedToService"] = "ec2.amazonaws.com" } }));
        Assert.NotEqual(IamDecision.Allowed, deploy.Evaluate(pass with { Context = new Dictionary<string, string>(pass.Context) { ["iam:PassedToService"] = "lambda.amazonaws.com" } }));
        Assert.NotEqual(IamDecision.Allowed, deploy.Evaluate(pass with { Resource = "arn:aws:iam::123456789012:role/staging-host-role" }));
    }

    [Fact]
    public void The_service_linked_role_statement_is_named_for_every_service_it_lists()
    {
        var statements = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(RepoRootFinder.Find(), "docs", "cicd", "permissions-deploy.json")))!["Statement"]!.AsArray();
        var linked = Assert.Single(statements, s => s!["Action"] is System.Text.Json.Nodes.JsonValue action && (string?)action == "iam:CreateServiceLinkedRole")!;
        var services = linked["Condition"]!["StringEquals"]!["iam:AWSServiceName"]!.AsArray().Select(v => (string)v!).ToList();
        var mapped = AllCalls().Where(c => c.Call.Action.Name == "iam:CreateServiceLinkedRole" && c.Call.Granted).Select(c => c.Call.Action.ServiceName!).Distinct().Order(StringComparer.Ordinal);

        Assert.Equal(mapped, services.Order(StringComparer.Ordinal));
        Assert.True(services.Count > 1);
        Assert.DoesNotContain("Rds", (string?)linked["Sid"], StringComparison.Ordinal);
        Assert.Equal("ServiceLinkedRolesCreatedOnFirstUse", (string?)linked["Sid"]);
    }

    [Fact]
    public void The_parser_rejects_a_call_without_its_function_or_a_condition_without_when()
    {
        static string Json(string call) => $$"""
            { "about": "", "tags": { "none": { "file": "", "calls": [] } }, "invokes": [], "resources": [ {
              "type": "aws:x/y:Y", "file": "internal/service/x/y.go", "tag": "none",
              "create": [ {{call}} ], "read": [], "update": [], "delete": [] } ] }
            """;

        Assert.ThrowsAny<JsonException>(() => IamActionData.Parse(Json("""{ "action": "x:CreateY" }""")));
        var noWhen = Assert.ThrowsAny<JsonException>(() => IamActionData.Parse(Json("""{ "action": "x:CreateY", "fn": "resourceYCreate", "kind": "first-use" }""")));
        Assert.Contains("'kind' and 'when'", noWhen.Message, StringComparison.Ordinal);
        var docsOnly = Assert.ThrowsAny<JsonException>(() => IamActionData.Parse(Json("""{ "action": "x:CreateY", "fn": "resourceYCreate", "grant": "docs" }""")));
        Assert.Contains("only a conditional call", docsOnly.Message, StringComparison.Ordinal);
        var parsed = IamActionData.Parse(Json("""{ "action": "x:CreateY", "fn": "resourceYCreate", "kind": "setting", "when": "z is set", "grant": "docs" }"""));
        var call = Assert.Single(Assert.Single(parsed.Resources).Calls);
        Assert.False(call.Granted);
        Assert.Empty(parsed.Resources[0].Create);
        Assert.Equal("internal/service/x/y.go", call.File);
    }

    [GeneratedRegex(@"`([a-z0-9-]+:[A-Z][A-Za-z0-9]+)`")]
    private static partial Regex ActionInBackticks();

    [GeneratedRegex(@"^internal/service/[a-z0-9]+/[a-z0-9_]+\.go$")]
    private static partial Regex ProviderFile();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?\b")]
    private static partial Regex GoFunction();
}
