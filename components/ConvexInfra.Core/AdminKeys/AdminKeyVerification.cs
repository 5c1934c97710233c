using System.Globalization;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// What the backend would make of a key. Accepted keys carry their format, effective instance name,
/// identity, read-only flag and issue time; rejected ones a <see cref="Reason"/> and a message saying
/// what is wrong. Neither ever contains the key or the secret.
/// </summary>
public sealed record AdminKeyVerification
{
    public bool Accepted => Reason is null;

    public AdminKeyRejectionReason? Reason { get; init; }

    /// <summary>The description of an accepted key, or why it is refused.</summary>
    public required string Message { get; init; }

    /// <summary>Set once the key decrypted.</summary>
    public AdminKeyFormat? Format { get; init; }

    /// <summary>The name the backend compares: the prefix (without any <c>type:</c>), else the name inside.</summary>
    public string? InstanceName { get; init; }

    public AdminKeyIdentity? Identity { get; init; }

    public bool ReadOnly { get; init; }

    public ulong? IssuedAtUnixSeconds { get; init; }

    /// <summary>The issue time, when it is within the range <see cref="DateTimeOffset"/> can hold.</summary>
    public DateTimeOffset? IssuedAt =>
        IssuedAtUnixSeconds is { } seconds && seconds <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds((long)seconds)
            : null;

    internal static AdminKeyVerification Reject(AdminKeyRejectionReason reason, string message) =>
        new() { Reason = reason, Message = message };

    internal static string Describe(AdminKeyFormat format, string instanceName, AdminKeyIdentity identity, bool readOnly, ulong issuedAtUnixSeconds)
    {
        var who = identity.IsSystem ? "system key" : $"admin key for member {identity.MemberId}";
        var access = identity.IsSystem ? "full access" : readOnly ? "read-only" : "read-write";
        var issued = issuedAtUnixSeconds <= (ulong)DateTimeOffset.MaxValue.ToUnixTimeSeconds()
            ? DateTimeOffset.FromUnixTimeSeconds((long)issuedAtUnixSeconds).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
            : $"{issuedAtUnixSeconds} (Unix seconds)";
        var legacy = format == AdminKeyFormat.Legacy ? " (legacy XSalsa20-Poly1305 format; still accepted, consider issuing a new key)" : string.Empty;
        return $"valid {who} for instance '{instanceName}', {access}, issued {issued}, {format.ToString().ToLowerInvariant()} format{legacy}; it does not expire";
    }
}
