using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>
/// A stable fingerprint of the desired variables for change triggers. It is an HMAC keyed with a secret the
/// stack already holds (the admin key): a plain hash of a short secret value could be guessed offline.
/// </summary>
public static class EnvFingerprint
{
    public static string Compute(IReadOnlyDictionary<string, string> desired, bool prune, string key)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentException.ThrowIfNullOrEmpty(key);
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(key));
        var mac = hmac.ComputeHash(Encoding.UTF8.GetBytes(CanonicalJson(desired, prune)));
        return "hmac-sha256:" + Convert.ToHexStringLower(mac);
    }

    /// <summary>Names in ordinal order and the prune flag, so equal inputs give equal text on every machine.</summary>
    public static string CanonicalJson(IReadOnlyDictionary<string, string> desired, bool prune)
    {
        ArgumentNullException.ThrowIfNull(desired);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("prune", prune);
            json.WriteStartObject("variables");
            foreach (var (name, value) in desired.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
