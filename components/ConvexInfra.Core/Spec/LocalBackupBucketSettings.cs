using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace ConvexInfra.Core.Spec;

/// <summary>
/// localBackupBucket and its key pair. Plain http is accepted only where it cannot cross the internet: an address of a
/// private range (10/8, 172.16/12, 192.168/16, fc00::/7), or any host once <c>allowHttp: true</c> says so. A loopback
/// endpoint is refused outright: the exporter runs in a container, where 127.0.0.1 is the container itself.
/// </summary>
internal static partial class LocalBackupBucketSettings
{
    public const string Endpoint = "endpoint";
    public const string Bucket = "bucket";
    public const string Region = "region";
    public const string Prefix = "prefix";
    public const string PathStyle = "pathStyle";
    public const string AllowHttp = "allowHttp";

    private static readonly string[] Entries = [Endpoint, Bucket, Region, Prefix, PathStyle, AllowHttp];

    private static string Example(string entry, string value) => $"pulumi config set --path localBackupBucket.{entry} {value}";

    public static LocalBackupBucketSpec? Read(SettingValues values)
    {
        var key = SettingKeys.LocalBackupBucket;
        var hasId = values.SecretPresent(SettingKeys.LocalBackupBucketAccessKeyId);
        var hasSecret = values.SecretPresent(SettingKeys.LocalBackupBucketSecretAccessKey);
        if (!values.Has(key))
        {
            foreach (var secret in new[] { SettingKeys.LocalBackupBucketAccessKeyId, SettingKeys.LocalBackupBucketSecretAccessKey }.Where(values.Has))
            {
                values.Fail(secret, SettingValues.SecretGiven, "a localBackupBucket as well: the key pair is only used to upload scheduled exports there");
            }

            return null;
        }

        var map = values.Map(key);
        if (map is null)
        {
            return null;
        }

        var errors = values.Errors.Count;
        foreach (var unknown in map.Keys.Where(k => !Entries.Contains(k, StringComparer.Ordinal)))
        {
            values.FailEntry(key, unknown, SettingValues.Quote(unknown), $"one of {string.Join(", ", Entries)}", key.ExampleLine);
        }

        var bucket = Get(map, Bucket);
        if (bucket is null || !BucketName().IsMatch(bucket) || bucket.Contains("..", StringComparison.Ordinal))
        {
            values.FailEntry(key, Bucket, bucket is null ? SettingValues.NotSet : SettingValues.Quote(bucket),
                "a bucket name of 3 to 63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit (required)", Example(Bucket, "convex-backups"));
        }

        var region = Get(map, Region) ?? LocalBackupBucketSpec.DefaultRegion;
        if (!RegionName().IsMatch(region))
        {
            values.FailEntry(key, Region, SettingValues.Quote(region), "the store's region name: lowercase letters, digits and '-' (default us-east-1)", Example(Region, "us-east-1"));
        }

        var prefix = Get(map, Prefix) ?? string.Empty;
        if (prefix.Length > 0 && (!PrefixText().IsMatch(prefix) || prefix.StartsWith('/') || prefix.Split('/').Any(p => p is "." or "..")))
        {
            values.FailEntry(key, Prefix, SettingValues.Quote(prefix),
                "a key prefix of letters, digits, '/', '_', '-' and '.', not starting with '/' and without '.' or '..' parts", Example(Prefix, "convex/local/"));
        }

        var pathStyle = Flag(values, map, PathStyle);
        var allowHttp = Flag(values, map, AllowHttp);
        var endpoint = Get(map, Endpoint);
        if (endpoint is null)
        {
            values.FailEntry(key, Endpoint, SettingValues.NotSet, "the store's S3 API address, e.g. https://s3.example.com (required)", Example(Endpoint, "https://s3.example.com"));
        }
        else if (EndpointProblem(endpoint, allowHttp == true) is { } problem)
        {
            values.FailEntry(key, Endpoint, SettingValues.Quote(endpoint), problem, Example(Endpoint, "https://s3.example.com"));
        }

        if (!hasId || !hasSecret)
        {
            foreach (var missing in new[] { (hasId, SettingKeys.LocalBackupBucketAccessKeyId), (hasSecret, SettingKeys.LocalBackupBucketSecretAccessKey) }
                .Where(p => !p.Item1 && !values.Has(p.Item2)).Select(p => p.Item2))
            {
                values.FailMissing(missing, "a Pulumi secret with the bucket's credentials, required with localBackupBucket");
            }
        }

        if (values.Errors.Count > errors || !hasId || !hasSecret)
        {
            return null;
        }

        var prefixText = prefix.Length == 0 || prefix.EndsWith('/') ? prefix : prefix + "/";
        return new LocalBackupBucketSpec(endpoint!.TrimEnd('/'), bucket!, region, prefixText, pathStyle ?? false);
    }

    /// <summary>Null when the exporter may use <paramref name="text"/>; otherwise what is expected instead.</summary>
    internal static string? EndpointProblem(string text, bool allowHttp)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0 || url.AbsolutePath != "/" || text.Any(char.IsWhiteSpace))
        {
            return "an http(s) address with a host and an optional port, nothing else (no path, user or query), e.g. https://s3.example.com";
        }

        if (url.IsLoopback)
        {
            return "an address the exporter container can reach: in the container 127.0.0.1 and localhost are the container itself; " +
                "give the Docker host's private address or the store's name on a shared network";
        }

        if (url.Scheme == Uri.UriSchemeHttp && !allowHttp && !IsPrivate(url.Host))
        {
            return "https, or plain http only on a private address (10.x, 172.16-31.x, 192.168.x, fc00::/7), where the access key and the " +
                "exports do not cross the internet; for another http host set localBackupBucket.allowHttp: true";
        }

        return null;
    }

    private static bool IsPrivate(string host)
    {
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var address))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return (address.GetAddressBytes()[0] & 0xfe) == 0xfc;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168);
    }

    private static string? Get(IReadOnlyDictionary<string, string> map, string entry) =>
        map.TryGetValue(entry, out var value) && value.Trim().Length > 0 ? value.Trim() : null;

    private static bool? Flag(SettingValues values, IReadOnlyDictionary<string, string> map, string entry)
    {
        if (Get(map, entry) is not { } text)
        {
            return null;
        }

        if (bool.TryParse(text, out var flag))
        {
            return flag;
        }

        values.FailEntry(SettingKeys.LocalBackupBucket, entry, SettingValues.Quote(text), "true or false (default false)", Example(entry, "true"));
        return null;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();

    [GeneratedRegex("^[a-z0-9-]{1,40}$")]
    private static partial Regex RegionName();

    [GeneratedRegex("^[A-Za-z0-9/_.-]{1,200}$")]
    private static partial Regex PrefixText();
}
