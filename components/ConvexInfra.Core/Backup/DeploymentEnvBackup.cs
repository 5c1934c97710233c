using System.Globalization;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// The deployment's environment variables stored beside the exports (an export has none): one JSON object of name →
/// value per export under <see cref="Prefix"/> in the exports bucket (<see cref="DeploymentEnv.DesiredEnvJson"/>), written by
/// the export task after every successful export (scheduled, pre-upgrade or <c>backup</c>; <see cref="Ops.ExportTask"/>),
/// SSE-KMS with the stack's key and no S3 Bucket Key. Objects stored by <c>backup --wait</c> before the task did this have
/// the same format (with the account's aws/s3 key). Values travel through files and standard output only, never in
/// an argument.
/// </summary>
public static class DeploymentEnvBackup
{
    /// <summary>Outside the backend's own storage prefix (<c>&lt;instance&gt;-&lt;uuid&gt;/</c>), so no export is mistaken for it.</summary>
    public const string Prefix = "deployment-env/";

    public static string Key(DateTimeOffset stamp) =>
        $"{Prefix}deployment-env-{stamp.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.json";

    public static bool IsEnvObject(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.StartsWith(Prefix, StringComparison.Ordinal);
    }

    /// <summary>The newest stored variables, or null when none was stored.</summary>
    public static ExportObject? Latest(IEnumerable<ExportObject> objects) =>
        objects.Where(o => IsEnvObject(o.Key) && o.Size > 0)
            .OrderByDescending(o => o.LastModified).ThenByDescending(o => o.Key, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>Prints one stored object on standard output (S3 decrypts SSE-KMS for a caller allowed kms:Decrypt).</summary>
    public static IReadOnlyList<string> Download(string region, S3Location source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        return ["s3", "cp", "--region", region, "--only-show-errors", source.ToString(), "-"];
    }
}
