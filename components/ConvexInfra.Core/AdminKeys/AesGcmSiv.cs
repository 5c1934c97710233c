using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Modes;
using Org.BouncyCastle.Crypto.Parameters;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>AES-GCM-SIV (RFC 8452) through BouncyCastle; .NET has no built-in implementation.</summary>
public static class AesGcmSiv
{
    public const int NonceLength = 12;
    public const int TagLength = 16;

    /// <summary>Returns ciphertext ‖ 16-byte tag.</summary>
    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> plaintext) =>
        Run(true, key, nonce, associatedData, plaintext) ?? throw new CryptographicException("AES-GCM-SIV encryption failed");

    /// <summary>Returns the plaintext, or null when the tag does not verify (wrong key, nonce, data or tampering).</summary>
    public static byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> sealedData) =>
        sealedData.Length < TagLength ? null : Run(false, key, nonce, associatedData, sealedData);

    private static byte[]? Run(bool encrypt, ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> associatedData, ReadOnlySpan<byte> input)
    {
        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"AES-GCM-SIV needs a {NonceLength}-byte nonce, got {nonce.Length}", nameof(nonce));
        }

        var cipher = new GcmSivBlockCipher();
        cipher.Init(encrypt, new AeadParameters(new KeyParameter(key.ToArray()), TagLength * 8, nonce.ToArray(), associatedData.ToArray()));
        var inputArray = input.ToArray();
        var output = new byte[cipher.GetOutputSize(inputArray.Length)];
        try
        {
            var length = cipher.ProcessBytes(inputArray, 0, inputArray.Length, output, 0);
            length += cipher.DoFinal(output, length);
            return length == output.Length ? output : output[..length];
        }
        catch (InvalidCipherTextException)
        {
            return null;
        }
    }
}
