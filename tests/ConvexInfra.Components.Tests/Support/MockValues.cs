namespace ConvexInfra.Components.Tests.Support;

/// <summary>
/// Values the mocks hand out for provider-computed outputs. Secret ones are recognisable so a test can search every
/// rendered artifact and plain output for them.
/// </summary>
internal static class MockValues
{
    public const string AccountId = "123456789012";

    /// <summary>Who runs pulumi under the mocks (getCallerIdentity's ARN): a deployer of every stack key.</summary>
    public const string CallerArn = $"arn:aws:iam::{AccountId}:user/ci";
    public const string Partition = "aws";
    public const string AmiId = "ami-0a1b2c3d4e5f67890";
    public const string ElasticIp = "203.0.113.10";

    /// <summary>64 hex characters = 32 bytes: what RandomBytes(32).Hex gives.</summary>
    public const string InstanceSecretHex = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

    /// <summary>24 hex characters = 12 bytes: the admin key nonce.</summary>
    public const string NonceHex = "00112233445566778899aabb";

    public const string DatabasePassword = "MockDbPasswordSecretValue0123456789abcd";

    public static IReadOnlyList<string> Zones(string region) => [$"{region}a", $"{region}b", $"{region}c"];

    /// <summary>
    /// What <c>RandomBytes</c> gives: <see cref="HexOfLength"/> while every keeper is at its default ("0"), and other
    /// bytes (derived from the keepers) once one changes, as the provider replaces the bytes when a keeper changes.
    /// </summary>
    public static string RandomHex(int length, IReadOnlyDictionary<string, string> keepers)
    {
        if (keepers.Values.All(v => v == "0"))
        {
            return HexOfLength(length);
        }

        var seed = string.Join(";", keepers.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        var bytes = new List<byte>();
        for (var block = 0; bytes.Count < length; block++)
        {
            bytes.AddRange(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{length}|{seed}|{block}")));
        }

        return Convert.ToHexStringLower(bytes.Take(length).ToArray());
    }

    /// <summary>An SSM parameter version (1 and up) that changes whenever the value does.</summary>
    public static int ParameterVersion(string value) =>
        1 + (int)(BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(value))) % 100_000);

    /// <summary>Hex of <paramref name="length"/> bytes: the instance secret for 32, the nonce for 12, else a pattern.</summary>
    public static string HexOfLength(int length) => length switch
    {
        32 => InstanceSecretHex,
        12 => NonceHex,
        _ => string.Concat(Enumerable.Repeat("ab", length)),
    };
}
