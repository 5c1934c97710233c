using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Macs;
using Org.BouncyCastle.Crypto.Parameters;

namespace ConvexInfra.Core.AdminKeys;

/// <summary>
/// NaCl/libsodium <c>crypto_secretbox_easy</c> (XSalsa20-Poly1305): output is the 16-byte Poly1305 tag
/// followed by the ciphertext. Only legacy admin keys use it; new keys must not (the backend counts them).
/// </summary>
public static class SecretBox
{
    public const int KeyLength = 32;
    public const int NonceLength = 24;
    public const int TagLength = 16;

    public static byte[] Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> plaintext)
    {
        var stream = Start(key, nonce, out var polyKey);
        var output = new byte[TagLength + plaintext.Length];
        stream.ProcessBytes(plaintext.ToArray(), 0, plaintext.Length, output, TagLength);
        Tag(polyKey, output.AsSpan(TagLength)).CopyTo(output, 0);
        return output;
    }

    /// <summary>Returns the plaintext, or null when the tag does not verify.</summary>
    public static byte[]? Open(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> sealedData)
    {
        if (sealedData.Length < TagLength)
        {
            return null;
        }

        var stream = Start(key, nonce, out var polyKey);
        var ciphertext = sealedData[TagLength..].ToArray();
        if (!CryptographicOperations.FixedTimeEquals(Tag(polyKey, ciphertext), sealedData[..TagLength]))
        {
            return null;
        }

        var plaintext = new byte[ciphertext.Length];
        stream.ProcessBytes(ciphertext, 0, ciphertext.Length, plaintext, 0);
        return plaintext;
    }

    // The first 32 bytes of the XSalsa20 stream are the one-time Poly1305 key; the message uses the rest.
    private static XSalsa20Engine Start(ReadOnlySpan<byte> key, ReadOnlySpan<byte> nonce, out byte[] polyKey)
    {
        if (key.Length != KeyLength)
        {
            throw new ArgumentException($"secretbox needs a {KeyLength}-byte key, got {key.Length}", nameof(key));
        }

        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException($"secretbox needs a {NonceLength}-byte nonce, got {nonce.Length}", nameof(nonce));
        }

        var engine = new XSalsa20Engine();
        engine.Init(true, new ParametersWithIV(new KeyParameter(key.ToArray()), nonce.ToArray()));
        polyKey = new byte[32];
        engine.ProcessBytes(new byte[32], 0, 32, polyKey, 0);
        return engine;
    }

    private static byte[] Tag(byte[] polyKey, ReadOnlySpan<byte> ciphertext)
    {
        var mac = new Poly1305();
        mac.Init(new KeyParameter(polyKey));
        var data = ciphertext.ToArray();
        mac.BlockUpdate(data, 0, data.Length);
        var tag = new byte[TagLength];
        mac.DoFinal(tag, 0);
        return tag;
    }
}
