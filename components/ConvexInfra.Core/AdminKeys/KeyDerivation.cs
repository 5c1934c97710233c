using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// NIST SP 800-108 KBKDF in counter mode with HMAC-SHA256, in the exact shape aws-lc's
/// <c>KBKDF_ctr_hmac</c> uses: each block is HMAC(key, counter32be ‖ fixedInfo), the counter starts at 1,
/// and the fixed info is passed as-is (no separator, no context, no length field).
/// </summary>
public static class KeyDerivation
{
    /// <summary>The purpose label the backend uses for admin keys.</summary>
    public const string AdminKeyPurpose = "admin key";

    /// <summary>AES-128-GCM-SIV takes a 16-byte key.</summary>
    public const int AdminKeySubkeyLength = 16;

    public static byte[] CounterModeHmacSha256(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fixedInfo, int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputLength);
        var output = new byte[outputLength];
        var message = new byte[4 + fixedInfo.Length];
        fixedInfo.CopyTo(message.AsSpan(4));
        for (uint counter = 1, written = 0; written < outputLength; counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(message, counter);
            var block = HMACSHA256.HashData(key, message);
            var take = Math.Min(block.Length, outputLength - (int)written);
            block.AsSpan(0, take).CopyTo(output.AsSpan((int)written));
            written += (uint)take;
        }

        return output;
    }

    /// <summary>The AES-128-GCM-SIV key that current-format admin keys are sealed with.</summary>
    public static byte[] AdminKeySubkey(InstanceSecret secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return CounterModeHmacSha256(secret.Bytes, Encoding.ASCII.GetBytes(AdminKeyPurpose), AdminKeySubkeyLength);
    }
}
