using System.Globalization;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// The deployment's environment variables stored beside the exports (an export has none): one JSON object of name →
/// value per backup under <see cref="Prefix"/> in the exports bucket, encrypted with SSE-KMS (the stack's key when it
/// has one, else the account's aws/s3 key). The values travel through the AWS CLI's standard input and output only,
/// never in an argument.
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

    /// <summary>Uploads standard input to <paramref name="target"/> with SSE-KMS; <paramref name="kmsKeyId"/> null = aws/s3.</summary>
    public static IReadOnlyList<string> Upload(string region, S3Location target, string? kmsKeyId)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        List<string> args = ["s3", "cp", "--region", region, "--only-show-errors", "--sse", "aws:kms"];
        if (kmsKeyId is not null)
        {
            args.AddRange(["--sse-kms-key-id", kmsKeyId]);
        }

        args.AddRange(["-", target.ToString()]);
        return args;
    }

    /// <summary>Prints one stored object on standard output (S3 decrypts SSE-KMS for a caller allowed kms:Decrypt).</summary>
    public static IReadOnlyList<string> Download(string region, S3Location source)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrWhiteSpace(region);
        return ["s3", "cp", "--region", region, "--only-show-errors", source.ToString(), "-"];
    }
}
