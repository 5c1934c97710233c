using System.Text.Json;
using ConvexInfra.Core.DeploymentEnv;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// Counts what a deployment holds through the system queries the dashboard and <c>npx convex data</c> use (facts table:
/// function-cli-tables, function-cli-table-size, function-num-files), with the admin key: its user tables, the
/// documents of each, and its stored files.
/// </summary>
public sealed class RestoredCounter(DeploymentEnvClient client)
{
    public const string TablesFunction = "_system/cli/tables";
    public const string TableSizeFunction = "_system/cli/tableSize";
    public const string NumFilesFunction = "_system/frontend/fileStorageV2:numFiles";

    /// <summary>Counts every user table the deployment lists; a table of the export it does not list stays absent.</summary>
    public async Task<RestoredCounts> CountAsync(CancellationToken cancellationToken)
    {
        var listed = await client.QueryAsync(TablesFunction, new { paginationOpts = new { numItems = 1000, cursor = (string?)null } }, cancellationToken);
        var names = new SortedSet<string>(TableNames(listed), StringComparer.Ordinal);
        var tables = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            tables[name] = Count(await client.QueryAsync(TableSizeFunction, new { tableName = name }, cancellationToken), $"{TableSizeFunction}({name})");
        }

        var files = Count(await client.QueryAsync(NumFilesFunction, new { }, cancellationToken), NumFilesFunction);
        return new RestoredCounts(tables, files);
    }

    /// <summary>The names in <c>{"page":[{"name":…}],…}</c>.</summary>
    public static IReadOnlyList<string> TableNames(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("page", out var page) || page.ValueKind != JsonValueKind.Array)
        {
            throw new DeploymentEnvException($"{TablesFunction}: unexpected answer shape; expected {{\"page\":[{{\"name\":…}}]}}");
        }

        return page.EnumerateArray()
            .Select(t => t.ValueKind == JsonValueKind.Object && t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : null)
            .OfType<string>().ToList();
    }

    /// <summary>A count as the query returns it: a JSON number (JavaScript's number, so possibly written as 12.0).</summary>
    public static long Count(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && number >= 0 && number == Math.Floor(number)
            ? (long)number
            : throw new DeploymentEnvException($"{what}: expected a document count, got a {value.ValueKind}");
}
