namespace ConvexInfra.Core.AdminKeys;

/// <summary>The two encodings the backend accepts.</summary>
public enum AdminKeyFormat
{
    /// <summary>AES-128-GCM-SIV under a KBKDF subkey; what the backend and this tool issue today.</summary>
    Current,

    /// <summary>XSalsa20-Poly1305 secretbox under the raw secret; still accepted, never issued again.</summary>
    Legacy,
}

/// <summary>Why the backend would refuse a key, in the order it checks.</summary>
public enum AdminKeyRejectionReason
{
    /// <summary>Not hex, odd length, or too short to be either format.</summary>
    Malformed,

    /// <summary>The first byte is not the admin key version 1.</summary>
    WrongVersionByte,

    /// <summary>Neither format authenticates: another instance secret made it, or it was altered.</summary>
    DecryptionFailed,

    /// <summary>It authenticates, but the plaintext is not a valid AdminKey protobuf.</summary>
    BadProtobuf,

    /// <summary>No <c>name|</c> prefix and no instance name inside.</summary>
    MissingInstanceName,

    /// <summary>It is for another instance.</summary>
    WrongInstanceName,

    /// <summary>issued_s is 0 or absent.</summary>
    MissingIssueTime,

    /// <summary>Neither a member id nor the system identity.</summary>
    MissingIdentity,
}
