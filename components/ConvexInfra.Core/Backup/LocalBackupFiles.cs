using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Backup;

/// <summary>What one scheduled export of a local stack wrote: the export zip or the variables file, and its UTC stamp.</summary>
public enum LocalBackupKind
{
    Export,
    Variables,
}

/// <summary>One file of a local stack's scheduled exports, in its folder (Key null) or in its bucket.</summary>
public sealed record LocalBackupEntry(LocalBackupKind Kind, string Name, DateTimeOffset Stamp, string? Key = null);

/// <summary>
/// The names the local exporter (convex-local-exports.sh) gives its files, <c>convex-export-STACK-STAMP.zip</c> and
/// <c>convex-env-STACK-STAMP.json</c> (one JSON object of name → value, read with DesiredEnvJson) with STAMP = <c>yyyyMMddTHHmmssZ</c> (UTC), and how restore finds the newest in a
/// folder or in a bucket listing (aws-request.mjs s3-list: KEY, LastModified, size per line). Only names of exactly
/// this stack count: stack <c>local</c> never picks up <c>local-b</c>'s files. A <c>.env</c> variables file of the
/// exporter's first, unreleased version (raw <c>convex env list</c> output, which loses multi-line values) is not read.
/// </summary>
public static partial class LocalBackupFiles
{
    public const string StampFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string FileName(LocalBackupKind kind, string stack, DateTimeOffset stamp) =>
        $"{Head(kind, stack)}{stamp.UtcDateTime.ToString(StampFormat, CultureInfo.InvariantCulture)}{Extension(kind)}";

    /// <summary>The entry for <paramref name="name"/> (a file name, no folder) when it is one of this stack's; else null.</summary>
    public static LocalBackupEntry? Parse(string name, string stack, string? key = null)
    {
        foreach (var kind in new[] { LocalBackupKind.Export, LocalBackupKind.Variables })
        {
            var head = Head(kind, stack);
            if (name.StartsWith(head, StringComparison.Ordinal) && name.EndsWith(Extension(kind), StringComparison.Ordinal)
                && name[head.Length..^Extension(kind).Length] is var text && Stamp().IsMatch(text)
                && DateTimeOffset.TryParseExact(text, StampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var stamp))
            {
                return new LocalBackupEntry(kind, name, stamp, key);
            }
        }

        return null;
    }

    /// <summary>This stack's entries in an s3-list listing of <paramref name="bucket"/> (other keys are ignored).</summary>
    public static IReadOnlyList<LocalBackupEntry> FromListing(string listing, LocalBackupBucketSpec bucket, string stack)
    {
        ArgumentNullException.ThrowIfNull(listing);
        ArgumentNullException.ThrowIfNull(bucket);
        return listing.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('\t')[0])
            .Where(key => key.StartsWith(bucket.Prefix, StringComparison.Ordinal) && !key[bucket.Prefix.Length..].Contains('/', StringComparison.Ordinal))
            .Select(key => Parse(key[bucket.Prefix.Length..], stack, key))
            .OfType<LocalBackupEntry>()
            .ToList();
    }

    /// <summary>This stack's entries among the files of a folder (names only).</summary>
    public static IReadOnlyList<LocalBackupEntry> FromFolder(IEnumerable<string> fileNames, string stack) =>
        fileNames.Select(name => Parse(name, stack)).OfType<LocalBackupEntry>().ToList();

    /// <summary>The newest entry of <paramref name="kind"/> by its stamp; the folder's copy wins a tie (no download).</summary>
    public static LocalBackupEntry? Newest(IEnumerable<LocalBackupEntry> entries, LocalBackupKind kind) =>
        entries.Where(e => e.Kind == kind).OrderByDescending(e => e.Stamp).ThenBy(e => e.Key is null ? 0 : 1).FirstOrDefault();

    /// <summary>aws-request.mjs arguments for one call on the bucket (credentials come from the environment only).</summary>
    public static IReadOnlyList<string> BucketCall(LocalBackupBucketSpec bucket, string operation, string endpoint, params string[] more)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        List<string> args = [operation, "--region", bucket.Region, "--bucket", bucket.Bucket, "--endpoint", endpoint, .. more];
        if (bucket.PathStyle)
        {
            args.Add("--path-style");
        }

        return args;
    }

    private static string Head(LocalBackupKind kind, string stack) => kind == LocalBackupKind.Export ? $"convex-export-{stack}-" : $"convex-env-{stack}-";

    private static string Extension(LocalBackupKind kind) => kind == LocalBackupKind.Export ? ".zip" : ".json";

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z$")]
    private static partial Regex Stamp();
}
