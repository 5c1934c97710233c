using ConvexInfra.Core.Aws.Iam;

namespace ConvexInfra.Core.Tests.Aws;

/// <summary>Core's IAM action map: what it makes of registered resources, invokes and runner commands.</summary>
public class IamActionMapTests
{
    private static readonly IamTarget Target = new("aws", "123456789012", "eu-west-1", "convex-infra", "prod", "acme-pulumi-state", "arn:aws:kms:eu-west-1:123456789012:key/k");

    private static RegisteredResource Resource(string type, string name, string id, params (string Key, string Value)[] inputs) =>
        new(type, name, id, inputs.ToDictionary(i => i.Key, i => i.Value));

    [Fact]
    public void An_unknown_type_invoke_or_cli_call_names_itself_and_the_map()
    {
        var resources = new[]
        {
            Resource("aws:lambda/function:Function", "f", "f"),
            Resource("command:local:Command", "c", "c", ("create", "aws ecs run-task --cluster x\naws s3 cp a b")),
        };

        var error = Assert.Throws<InvalidOperationException>(() => IamActionMap.Requests(Target, resources, [new RegisteredInvoke("aws:ec2/getVpc:getVpc", new Dictionary<string, string>())], IamRole.Deploy));

        Assert.Contains("IamActionTable.cs", error.Message, StringComparison.Ordinal);
        Assert.Contains("resource type aws:lambda/function:Function", error.Message, StringComparison.Ordinal);
        Assert.Contains("invoke aws:ec2/getVpc:getVpc", error.Message, StringComparison.Ordinal);
        Assert.Contains("runner command 'aws s3 cp' (in c)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ecs run-task'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Us_east_1_resources_and_global_services_are_requested_where_aws_sees_them()
    {
        var resources = new[]
        {
            Resource("aws:sns/topic:Topic", "t", "arn:aws:sns:us-east-1:123456789012:prod-alarms", ("name", "prod-alarms"), ("region", "us-east-1")),
            Resource("aws:iam/role:Role", "r", "prod-role-1234567"),
        };

        var requests = IamActionMap.Requests(Target, resources, [], IamRole.Deploy);

        var create = Assert.Single(requests, r => r.Action == "sns:CreateTopic");
        Assert.Equal("arn:aws:sns:us-east-1:123456789012:prod-alarms", create.Resource);
        Assert.Equal("us-east-1", create.Context["aws:RequestedRegion"]);
        var role = Assert.Single(requests, r => r.Action == "iam:CreateRole");
        Assert.Equal("arn:aws:iam::123456789012:role/prod-role-1234567", role.Resource);
        Assert.Equal("us-east-1", role.Context["aws:RequestedRegion"]);
    }

    [Fact]
    public void Preview_asks_only_for_reads_and_never_runs_commands()
    {
        var resources = new[]
        {
            Resource("aws:ssm/parameter:Parameter", "p", "/convex-infra/prod/release", ("name", "/convex-infra/prod/release")),
            Resource("command:local:Command", "c", "c", ("create", "aws ecs describe-tasks --tasks t")),
        };

        var requests = IamActionMap.Requests(Target, resources, [], IamRole.Preview);

        Assert.All(requests, r => Assert.Matches(@":(Describe|Get|List)[A-Za-z]*$|^kms:Decrypt$", r.Action));
        Assert.Contains(requests, r => r.Action == "ssm:GetParameter" && r.Resource == "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/prod/release");
        Assert.Contains(requests, r => r.Action == "ssm:DescribeParameters" && r.Resource == "*");
        Assert.DoesNotContain(requests, r => r.Action.StartsWith("ecs:", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_task_passes_the_roles_of_the_task_definition_it_starts()
    {
        var resources = new[]
        {
            Resource("aws:ecs/taskDefinition:TaskDefinition", "export", "prod-export", ("family", "prod-export"),
                ("executionRoleArn", "arn:aws:iam::123456789012:role/prod-export-execution-1")),
            Resource("command:local:Command", "c", "c", ("create", "task=$(aws ecs run-task --cluster \"$CLUSTER\")\naws ecs wait tasks-stopped --tasks x"),
                ("environment.REGION", "eu-west-1"), ("environment.CLUSTER", "arn:aws:ecs:eu-west-1:123456789012:cluster/prod-c"),
                ("environment.TASK_DEFINITION", "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:1")),
        };

        var runner = IamActionMap.Requests(Target, resources, [], IamRole.Deploy).Where(r => r.Why.StartsWith("runner:", StringComparison.Ordinal)).ToList();

        Assert.Contains(runner, r => r.Action == "ecs:RunTask" && r.Resource == "arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-export:1");
        var pass = Assert.Single(runner, r => r.Action == "iam:PassRole");
        Assert.Equal("arn:aws:iam::123456789012:role/prod-export-execution-1", pass.Resource);
        Assert.Equal("ecs-tasks.amazonaws.com", pass.Context["iam:PassedToService"]);
        Assert.Contains(runner, r => r.Action == "ecs:DescribeTasks" && r.Resource.StartsWith("arn:aws:ecs:eu-west-1:123456789012:task/prod-c/", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_mapped_action_is_service_colon_action_and_every_type_names_its_source()
    {
        foreach (var rule in IamActionMap.ResourceTypes.Values)
        {
            Assert.StartsWith("terraform-provider-aws internal/service/", rule.Source, StringComparison.Ordinal);
            Assert.NotEmpty(rule.Create);
            Assert.NotEmpty(rule.Read);
            Assert.All(rule.All, a => Assert.Matches("^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$", a.Name));
        }
    }

    /// <summary>
    /// A type a command replaced keeps its table entry while stacks may still hold it: its reads for both roles and its
    /// deletes for the deploy role, in the region the command's environment names, and never its creates.
    /// </summary>
    [Fact]
    public void A_superseded_type_keeps_its_reads_and_deletes_for_the_command_that_replaced_it()
    {
        var superseded = Assert.Single(IamActionMap.Superseded);
        var rule = IamActionMap.ResourceTypes[superseded.Type];
        var target = new IamTarget("aws", "123456789012", "eu-west-1", "acme", "prod", "acme-state", "arn:aws:kms:eu-west-1:123456789012:key/state");
        var command = new RegisteredResource("command:local:Command", "prod-acme-prod" + superseded.NameEnding, "cmd-1", new Dictionary<string, string>
        {
            ["environment.COPY_REGION"] = "eu-central-1",
            ["environment.SOURCE_DB_ARN"] = "arn:aws:rds:eu-west-1:123456789012:db:prod-db",
            ["environment.KMS_KEY_ARN"] = "arn:aws:kms:eu-central-1:123456789012:key/k",
            ["create"] = "aws rds describe-db-instances --region x",
        });

        var deploy = IamActionMap.Requests(target, [command], [], IamRole.Deploy).Where(r => r.Why.StartsWith(superseded.Type, StringComparison.Ordinal)).ToList();
        var preview = IamActionMap.Requests(target, [command], [], IamRole.Preview).Where(r => r.Why.StartsWith(superseded.Type, StringComparison.Ordinal)).ToList();

        Assert.Equal(rule.Read.Concat(rule.Delete).Select(a => a.Name).Distinct().Order(StringComparer.Ordinal), deploy.Select(r => r.Action).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(rule.Read.Select(a => a.Name).Distinct(), preview.Select(r => r.Action).Distinct());
        Assert.DoesNotContain(deploy, r => r.Action == "rds:StartDBInstanceAutomatedBackupsReplication");
        Assert.All(deploy.Concat(preview), r => Assert.Equal("eu-central-1", r.Context["aws:RequestedRegion"]));
        // Another command of the stack has no such requests.
        Assert.DoesNotContain(IamActionMap.Requests(target, [command with { LogicalName = "prod-acme-prod-grace-reset" }], [], IamRole.Preview), r => r.Why.StartsWith(superseded.Type, StringComparison.Ordinal));
    }
}
