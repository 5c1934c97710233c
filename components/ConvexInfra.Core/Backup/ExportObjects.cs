using System.Globalization;
using System.Text.Json;

namespace ConvexInfra.Core.Backup;

/// <summary>One object of the exports bucket as <c>aws s3api list-objects-v2</c> lists it.</summary>
public sealed record ExportObject(string Key, DateTimeOffset LastModified, long Size);

/// <summary>
/// Finds exports in the exports bucket. The backend writes each export there itself (S3 storage mode), under its
/// storage prefix <c>&lt;instance_name&gt;-&lt;uuid&gt;/</c> (crates/model/src/database_globals/mod.rs); keys are
/// the backend's own, so the newest object is the newest export.
/// </summary>
public static class ExportObjects
{
    /// <summary>Every object (no "folder" placeholders) in the JSON of <c>list-objects-v2 --output json</c>.</summary>
    public static IReadOnlyList<ExportObject> Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (string.IsNullOrWhiteSpace(json))
        {
            return [];
        }

        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("Contents", out var contents) || contents.ValueKind != JsonValueKind.Array)
        {
            return [];
        }

        var objects = new List<ExportObject>();
        foreach (var item in contents.EnumerateArray())
        {
            var key = item.TryGetProperty("Key", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
            var modified = item.TryGetProperty("LastModified", out var m) && m.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(m.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when) ? when : (DateTimeOffset?)null;
            var size = item.TryGetProperty("Size", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : 0;
            if (key is null || modified is null || key.EndsWith('/'))
            {
                continue;
            }

            objects.Add(new ExportObject(key, modified.Value, size));
        }

        return objects;
    }

    /// <summary>The newest export, or null when the bucket holds none; stored deployment variables are not exports.</summary>
    public static ExportObject? Latest(IEnumerable<ExportObject> objects) =>
        objects.Where(o => o.Size > 0 && !DeploymentEnvBackup.IsEnvObject(o.Key)).OrderByDescending(o => o.LastModified).ThenByDescending(o => o.Key, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The newest export written at or after <paramref name="since"/> (allowing for clock skew), or null.</summary>
    public static ExportObject? NewestSince(IEnumerable<ExportObject> objects, DateTimeOffset since) =>
        Latest(objects.Where(o => o.LastModified >= since - ClockSkew));

    /// <summary>How much earlier than the local start time an object may be stamped and still count as this run's.</summary>
    public static TimeSpan ClockSkew { get; } = TimeSpan.FromMinutes(2);
}
