namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// Checks a key the way the backend's <c>KeyBroker::check_admin_key</c> does, and says precisely why it
/// would be refused: split at the first <c>|</c>, drop a <c>type:</c> prefix from the name, hex-decode,
/// require version 1, open with AES-GCM-SIV or else the legacy secretbox, then compare the instance name and
/// require an issue time and an identity. Issue times are never checked against an expiry.
/// </summary>
public static class AdminKeyVerifier
{
    private const int ShortestKeyBytes = 1 + AesGcmSiv.NonceLength + AesGcmSiv.TagLength;

    public static AdminKeyVerification Verify(string expectedInstanceName, InstanceSecret secret, string key)
    {
        ArgumentNullException.ThrowIfNull(expectedInstanceName);
        ArgumentNullException.ThrowIfNull(secret);
        if (string.IsNullOrEmpty(key))
        {
            return Malformed("the key is empty");
        }

        var bar = key.IndexOf('|', StringComparison.Ordinal);
        var prefixName = bar < 0 ? null : StripTypePrefix(key[..bar]);
        var hex = bar < 0 ? key : key[(bar + 1)..];

        if (DecodeHex(hex, out var error) is not { } bytes)
        {
            return Malformed(error);
        }

        if (bytes.Length == 0)
        {
            return Malformed("there is nothing after the '|'");
        }

        if (bytes[0] != AdminKeyIssuer.Version)
        {
            return AdminKeyVerification.Reject(
                AdminKeyRejectionReason.WrongVersionByte,
                $"the key starts with version byte 0x{bytes[0]:x2}; admin keys start with 0x01 (hex '01' right after the '|')");
        }

        if (bytes.Length < ShortestKeyBytes)
        {
            return Malformed($"the key is too short: {bytes.Length} bytes, while an admin key has at least {ShortestKeyBytes} (a member-0 key is 37 bytes, 74 hex characters); was it cut off?");
        }

        var (format, plaintext) = Open(secret, bytes);
        if (plaintext is null)
        {
            return AdminKeyVerification.Reject(
                AdminKeyRejectionReason.DecryptionFailed,
                "the key does not decrypt: the key was not made with this instance secret, or it was altered");
        }

        if (!AdminKeyProto.TryDecode(plaintext, out var claims, out var protoError))
        {
            var message = $"the key decrypts with this secret ({Name(format)} format) but its content is not a valid AdminKey message: {protoError}";
            return new AdminKeyVerification { Reason = AdminKeyRejectionReason.BadProtobuf, Message = message, Format = format };
        }

        var found = new AdminKeyVerification
        {
            Message = string.Empty,
            Format = format,
            InstanceName = prefixName ?? claims.InstanceName,
            Identity = claims.Identity,
            ReadOnly = claims.ReadOnly,
            IssuedAtUnixSeconds = claims.IssuedAtUnixSeconds == 0 ? null : claims.IssuedAtUnixSeconds,
        };

        if (found.InstanceName is not { } name)
        {
            return found with
            {
                Reason = AdminKeyRejectionReason.MissingInstanceName,
                Message = $"the key names no instance: it has no 'name|' prefix and no name inside; prefix it with the instance name, e.g. {expectedInstanceName}|<key>",
            };
        }

        if (!string.Equals(name, expectedInstanceName, StringComparison.Ordinal))
        {
            return found with
            {
                Reason = AdminKeyRejectionReason.WrongInstanceName,
                Message = $"the key is for instance '{name}', but the backend's instance name is '{expectedInstanceName}' (the names must match exactly)",
            };
        }

        if (found.IssuedAtUnixSeconds is not { } issued)
        {
            return found with { Reason = AdminKeyRejectionReason.MissingIssueTime, Message = "the key has no issue time (issued_s is 0), which the backend refuses" };
        }

        if (claims.Identity is not { } identity)
        {
            return found with { Reason = AdminKeyRejectionReason.MissingIdentity, Message = "the key has neither a member id nor the system identity, which the backend refuses" };
        }

        return found with { Message = AdminKeyVerification.Describe(format, name, identity, claims.ReadOnly, issued) };
    }

    // The dashboard and CLI show names like "prod:my-instance"; the backend ignores everything up to the first ':'.
    private static string StripTypePrefix(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? name : name[(colon + 1)..];
    }

    private static (AdminKeyFormat Format, byte[]? Plaintext) Open(InstanceSecret secret, byte[] bytes)
    {
        var body = bytes.AsSpan(1);
        var current = AesGcmSiv.Open(KeyDerivation.AdminKeySubkey(secret), body[..AesGcmSiv.NonceLength], [AdminKeyIssuer.Version], body[AesGcmSiv.NonceLength..]);
        if (current is not null)
        {
            return (AdminKeyFormat.Current, current);
        }

        var legacy = body.Length >= SecretBox.NonceLength + SecretBox.TagLength
            ? SecretBox.Open(secret.Bytes, body[..SecretBox.NonceLength], body[SecretBox.NonceLength..])
            : null;
        return (AdminKeyFormat.Legacy, legacy);
    }

    private static byte[]? DecodeHex(string hex, out string error)
    {
        error = string.Empty;
        if (hex.Length == 0)
        {
            error = "there is nothing after the '|'";
            return null;
        }

        var bad = HexText.IndexOfNonHex(hex);
        if (bad >= 0)
        {
            error = char.IsWhiteSpace(hex[bad])
                ? $"the key contains whitespace or a line break at position {bad + 1} of its hex part; copy it without spaces or newlines"
                : $"the part after the '|' must be hex, but character {bad + 1} of it is not a hex digit";
            return null;
        }

        if (hex.Length % 2 != 0)
        {
            error = $"the hex part has an odd number of characters ({hex.Length}); was a character lost when copying?";
            return null;
        }

        return Convert.FromHexString(hex);
    }

    private static AdminKeyVerification Malformed(string message) =>
        AdminKeyVerification.Reject(AdminKeyRejectionReason.Malformed, $"the key is malformed: {message}");

    private static string Name(AdminKeyFormat format) => format.ToString().ToLowerInvariant();
}
