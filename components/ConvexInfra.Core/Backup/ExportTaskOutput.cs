using System.Collections.Immutable;
using System.Text.Json;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Outputs;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// How to start the stack's export task by hand, exactly as its EventBridge schedule does: the stack output
/// <c>exportTask</c> (AWS targets). Nothing in it is secret: the admin key reaches the task through ECS secrets (SSM).
/// </summary>
public sealed record ExportTaskOutput(string Cluster, string TaskDefinition, IReadOnlyList<string> Subnets, string SecurityGroup, bool AssignPublicIp)
{
    /// <summary>Output name: an object {cluster, taskDefinition, subnets, securityGroup, assignPublicIp}.</summary>
    public const string OutputName = "exportTask";

    /// <summary>
    /// The value a stack exports under <see cref="OutputName"/>, in the immutable shapes the Pulumi serializer takes
    /// (as Components' OutputValues does for buckets).
    /// </summary>
    public ImmutableDictionary<string, object> ToOutputValue() => ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
    {
        ["cluster"] = Cluster,
        ["taskDefinition"] = TaskDefinition,
        ["subnets"] = Subnets.Select(s => (object)s).ToImmutableArray(),
        ["securityGroup"] = SecurityGroup,
        ["assignPublicIp"] = AssignPublicIp,
    });

    /// <summary>The <c>--network-configuration</c> of <c>aws ecs run-task</c>: the same text the pre-upgrade export uses.</summary>
    public string NetworkConfiguration() => PreUpgradeExport.NetworkConfiguration(Subnets, SecurityGroup, AssignPublicIp);
}

/// <summary>The parts of the stack outputs that backup and restore need beyond <see cref="StackOutputs"/>.</summary>
public sealed record BackupOutputs(ExportTaskOutput? ExportTask, string? ExportsBucket)
{
    /// <summary>The RDS endpoint address (<c>databaseEndpoint</c>): the drill finds the instance whose backup replication it checks by it.</summary>
    public string? DatabaseEndpoint { get; init; }

    /// <summary>Reads <c>exportTask</c>, <c>buckets.exports</c> and <c>databaseEndpoint</c> from <c>pulumi stack output --json</c>; absent parts are null.</summary>
    public static BackupOutputs Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var endpoint = document.RootElement.TryGetProperty(StackOutputNames.DatabaseEndpoint, out var address) && address.ValueKind == JsonValueKind.String
            && address.GetString() is { Length: > 0 } text ? text : null;
        return ParseRoot(document.RootElement) with { DatabaseEndpoint = endpoint };
    }

    private static BackupOutputs ParseRoot(JsonElement root)
    {
        string? bucket = null;
        if (root.TryGetProperty(StackOutputNames.Buckets, out var buckets) && buckets.ValueKind == JsonValueKind.Object
            && buckets.TryGetProperty("exports", out var exports) && exports.ValueKind == JsonValueKind.String)
        {
            bucket = exports.GetString();
        }

        if (!root.TryGetProperty(ExportTaskOutput.OutputName, out var task) || task.ValueKind == JsonValueKind.Null)
        {
            return new BackupOutputs(null, bucket);
        }

        var errors = new List<string>();
        var cluster = Text(task, "cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/convex-prod", errors);
        var definition = Text(task, "taskDefinition", "arn:aws:ecs:eu-west-1:123456789012:task-definition/convex-prod-export:3", errors);
        var group = Text(task, "securityGroup", "sg-0123456789abcdef0", errors);
        var subnets = task.ValueKind == JsonValueKind.Object && task.TryGetProperty("subnets", out var list) && list.ValueKind == JsonValueKind.Array
            && list.EnumerateArray().All(s => s.ValueKind == JsonValueKind.String) && list.GetArrayLength() > 0
            ? list.EnumerateArray().Select(s => s.GetString()!).ToList()
            : null;
        if (subnets is null)
        {
            errors.Add($"'{ExportTaskOutput.OutputName}.subnets' must be a non-empty list of subnet ids, e.g. [\"subnet-0123456789abcdef0\"]");
        }

        var assign = task.ValueKind == JsonValueKind.Object && task.TryGetProperty("assignPublicIp", out var flag) && flag.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? flag.GetBoolean()
            : (bool?)null;
        if (assign is null)
        {
            errors.Add($"'{ExportTaskOutput.OutputName}.assignPublicIp' must be true or false");
        }

        if (errors.Count > 0)
        {
            throw new StackOutputsException(errors);
        }

        return new BackupOutputs(new ExportTaskOutput(cluster!, definition!, subnets!, group!, assign!.Value), bucket);
    }

    private static string? Text(JsonElement task, string name, string example, List<string> errors)
    {
        if (task.ValueKind == JsonValueKind.Object && task.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(value.GetString()))
        {
            return value.GetString();
        }

        errors.Add($"'{ExportTaskOutput.OutputName}.{name}' must be a non-empty string, e.g. \"{example}\"");
        return null;
    }
}
