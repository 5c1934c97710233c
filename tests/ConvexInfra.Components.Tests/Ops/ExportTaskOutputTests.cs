using System.Collections.Immutable;
using System.Globalization;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Backup;
using Pulumi;
using Pulumi.Utilities;

namespace ConvexInfra.Components.Tests.Ops;

/// <summary>
/// The <c>exportTask</c> stack output that <c>convex-infra backup</c> starts the export with: it must name exactly what
/// the EventBridge schedule starts (cluster, task definition, subnets, group, public IP), on both AWS targets.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class ExportTaskOutputTests(StackRuns runs) : IClassFixture<StackRuns>
{
    public static TheoryData<string> Stacks()
    {
        var data = new TheoryData<string>();
        foreach (var stack in StackFiles.WithTarget("aws-ec2").Concat(StackFiles.WithTarget("aws-ecs")))
        {
            data.Add(stack);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Stacks))]
    public async Task The_export_task_output_is_what_the_schedule_starts_and_is_not_secret(string stack)
    {
        var run = await runs.GetAsync(stack);
        var output = Assert.IsType<Output<ImmutableDictionary<string, object>>>(run.Outputs[ExportTaskOutput.OutputName], exactMatch: false);
        Assert.False(await Output.IsSecretAsync(output));
        var value = await OutputUtilities.GetValueAsync(output);

        var target = run.Single("aws:scheduler/schedule:Schedule").Map("target");
        var ecs = (IReadOnlyDictionary<string, object>)target["ecsParameters"];
        var network = (IReadOnlyDictionary<string, object>)ecs["networkConfiguration"];
        Assert.Equal(Text(target["arn"]), value["cluster"]);
        Assert.Equal(Text(ecs["taskDefinitionArn"]), value["taskDefinition"]);
        Assert.Equal(((IEnumerable<object>)network["subnets"]).Select(Text), ((IEnumerable<object>)value["subnets"]).Select(Text));
        Assert.Equal(Text(Assert.Single((IEnumerable<object>)network["securityGroups"])), value["securityGroup"]);
        Assert.Equal(network["assignPublicIp"], value["assignPublicIp"]);

        // What backup reads back from `pulumi stack output --json` is the same record.
        var parsed = BackupOutputs.Parse(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object> { [ExportTaskOutput.OutputName] = value }));
        Assert.Equal(value["taskDefinition"], parsed.ExportTask!.TaskDefinition);
    }

    private static string? Text(object? value) => Convert.ToString(value, CultureInfo.InvariantCulture);
}
