using System.Collections.Immutable;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Runtime;

namespace ConvexInfra.Components;

/// <summary>
/// Structured output values in the shapes Pulumi can serialize (immutable maps and arrays of strings), with the
/// camelCase keys the output contract documents.
/// </summary>
public static class OutputValues
{
    public static ImmutableDictionary<string, object> Buckets(BucketNames buckets) =>
        ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
        {
            ["exports"] = buckets.Exports,
            ["snapshotImports"] = buckets.SnapshotImports,
            ["modules"] = buckets.Modules,
            ["files"] = buckets.Files,
            ["search"] = buckets.Search,
        });

    public static ImmutableDictionary<string, object> SecretParameters(SecretParameterNames names) =>
        ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
        {
            ["instanceSecret"] = names.InstanceSecret,
            ["postgresUrl"] = names.PostgresUrl,
            ["adminKey"] = names.AdminKey,
        });

    public static ImmutableArray<object> DnsRecords(IEnumerable<DnsRecord> records) =>
        records.Select(r => (object)ImmutableDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, object>
        {
            ["name"] = r.Name,
            ["type"] = r.Type,
            ["value"] = r.Value,
        })).ToImmutableArray();
}
