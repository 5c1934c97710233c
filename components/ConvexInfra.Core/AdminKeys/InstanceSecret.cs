using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// The backend's INSTANCE_SECRET: exactly 32 bytes, written as 64 hex characters. It signs every admin key,
/// so it never shows up in <see cref="ToString"/> or in an error message; errors describe only its shape.
/// </summary>
public sealed class InstanceSecret : IEquatable<InstanceSecret>
{
    public const int ByteLength = 32;
    public const int HexLength = ByteLength * 2;

    private const string Expected = "expected 64 hex characters (32 bytes), e.g. the output of `openssl rand -hex 32`";

    private readonly byte[] bytes;

    private InstanceSecret(byte[] bytes) => this.bytes = bytes;

    /// <summary>The raw 32 bytes, for the key derivation and the legacy cipher.</summary>
    public ReadOnlySpan<byte> Bytes => bytes;

    public static InstanceSecret Parse(string hex) =>
        TryParse(hex, out var secret, out var error) ? secret : throw new FormatException(error);

    public static bool TryParse(string? hex, [NotNullWhen(true)] out InstanceSecret? secret, out string error)
    {
        secret = null;
        error = Check(hex) ?? string.Empty;
        if (error.Length > 0)
        {
            return false;
        }

        secret = new InstanceSecret(Convert.FromHexString(hex!));
        return true;
    }

    public static InstanceSecret FromBytes(ReadOnlySpan<byte> value) =>
        value.Length == ByteLength
            ? new InstanceSecret(value.ToArray())
            : throw new ArgumentException($"an instance secret is {ByteLength} bytes, got {value.Length}", nameof(value));

    /// <summary>The secret as lowercase hex. Named so that every call site is an obvious, deliberate disclosure.</summary>
    public string RevealHex() => Convert.ToHexStringLower(bytes);

    public override string ToString() => "InstanceSecret(32 bytes, redacted)";

    public bool Equals(InstanceSecret? other) =>
        other is not null && CryptographicOperations.FixedTimeEquals(bytes, other.bytes);

    public override bool Equals(object? obj) => Equals(obj as InstanceSecret);

    // A constant hash keeps the secret's bytes out of hash-based side channels; secrets are rarely hashed.
    public override int GetHashCode() => ByteLength;

    private static string? Check(string? hex)
    {
        if (string.IsNullOrEmpty(hex))
        {
            return $"the instance secret is empty; {Expected}";
        }

        if (hex.Any(char.IsWhiteSpace))
        {
            return $"the instance secret contains whitespace or a line break ({hex.Length} characters in all); {Expected} and nothing else";
        }

        if (hex.Length != HexLength)
        {
            return $"the instance secret has {hex.Length} characters; {Expected}";
        }

        var bad = HexText.IndexOfNonHex(hex);
        return bad >= 0
            ? $"the instance secret has a character that is not hex at position {bad + 1}; {Expected}"
            : null;
    }
}
