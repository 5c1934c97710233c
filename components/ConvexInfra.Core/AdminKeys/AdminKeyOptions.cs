namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// What goes into one admin key besides the instance name and secret. With <see cref="Nonce"/> and
/// <see cref="IssuedAtUnixSeconds"/> fixed the key is fully determined, which is how a deployment keeps the
/// same key across runs (it keeps both values in its state).
/// </summary>
public sealed record AdminKeyOptions
{
    /// <summary>12 bytes; a fresh random nonce when null.</summary>
    public byte[]? Nonce { get; init; }

    /// <summary>Seconds since the Unix epoch, above 0; the current time when null.</summary>
    public long? IssuedAtUnixSeconds { get; init; }

    /// <summary>The member the key acts as; 0 is the generic admin that self-hosted uses.</summary>
    public ulong MemberId { get; init; }

    /// <summary>A system key instead of a member key (what <c>generate_key --system-key</c> makes).</summary>
    public bool System { get; init; }

    /// <summary>Allows queries and reads only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Options with a fixed nonce (24 hex characters) and issue time, e.g. values kept in deployment state.</summary>
    public static AdminKeyOptions FromHex(string nonceHex24, long issuedAt)
    {
        ArgumentNullException.ThrowIfNull(nonceHex24);
        if (nonceHex24.Length != AesGcmSiv.NonceLength * 2 || HexText.IndexOfNonHex(nonceHex24) >= 0)
        {
            throw new ArgumentException(
                $"the nonce must be {AesGcmSiv.NonceLength * 2} hex characters ({AesGcmSiv.NonceLength} bytes), got {nonceHex24.Length} characters{(nonceHex24.Length == AesGcmSiv.NonceLength * 2 ? " with a non-hex character" : string.Empty)}; e.g. 000102030405060708090a0b",
                nameof(nonceHex24));
        }

        return new AdminKeyOptions { Nonce = Convert.FromHexString(nonceHex24), IssuedAtUnixSeconds = issuedAt };
    }
}
