using System.Buffers;
using System.Security.Cryptography;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// Issues admin keys exactly as the backend's <c>KeyBroker::issue_key</c> does:
/// <c>name|hex(0x01 ‖ nonce ‖ AES-128-GCM-SIV(KBKDF(secret, "admin key"), AdminKey proto, aad = 0x01))</c>.
/// Keys never expire; only a new instance secret revokes them.
/// </summary>
public static class AdminKeyIssuer
{
    public const byte Version = 1;

    private static readonly SearchValues<char> UnmatchableNameCharacters = SearchValues.Create("|: \t\r\n");

    public static string Issue(string instanceName, InstanceSecret secret, AdminKeyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secret);
        options ??= new AdminKeyOptions();
        if (InstanceNameProblem(instanceName) is { } problem)
        {
            throw new ArgumentException(problem, nameof(instanceName));
        }

        var nonce = options.Nonce ?? RandomNumberGenerator.GetBytes(AesGcmSiv.NonceLength);
        if (nonce.Length != AesGcmSiv.NonceLength)
        {
            throw new ArgumentException($"Nonce must be {AesGcmSiv.NonceLength} bytes, got {nonce.Length}; leave it null for a random one", nameof(options));
        }

        var issuedAt = options.IssuedAtUnixSeconds ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (issuedAt <= 0)
        {
            throw new ArgumentException($"IssuedAtUnixSeconds must be above 0 (the backend rejects 0), got {issuedAt}; e.g. 1700000000", nameof(options));
        }

        if (options.System && (options.ReadOnly || options.MemberId != 0))
        {
            throw new ArgumentException("a System key has no member id and cannot be read-only; set System alone, or MemberId/ReadOnly without System", nameof(options));
        }

        var identity = options.System ? AdminKeyIdentity.System : AdminKeyIdentity.Member(options.MemberId);
        var plaintext = AdminKeyProto.Encode(new AdminKeyClaims(null, (ulong)issuedAt, identity, options.ReadOnly));
        var sealedData = AesGcmSiv.Seal(KeyDerivation.AdminKeySubkey(secret), nonce, [Version], plaintext);

        var bytes = new byte[1 + nonce.Length + sealedData.Length];
        bytes[0] = Version;
        nonce.CopyTo(bytes, 1);
        sealedData.CopyTo(bytes, 1 + nonce.Length);
        return $"{instanceName}|{Convert.ToHexStringLower(bytes)}";
    }

    /// <summary>
    /// Why a name cannot carry a key the backend would accept, or null. The backend splits the key at the first
    /// <c>|</c> and drops everything up to a <c>:</c>, so names with either can never match.
    /// </summary>
    public static string? InstanceNameProblem(string? instanceName)
    {
        if (string.IsNullOrEmpty(instanceName))
        {
            return "the instance name is empty; give the backend's INSTANCE_NAME, e.g. convex-self-hosted";
        }

        var bad = instanceName.AsSpan().IndexOfAny(UnmatchableNameCharacters);
        if (bad >= 0 || instanceName.Any(char.IsControl))
        {
            return $"the instance name '{instanceName}' contains '|', ':', whitespace or a control character, which the backend's key check cannot match; use e.g. convex-self-hosted";
        }

        return null;
    }
}
