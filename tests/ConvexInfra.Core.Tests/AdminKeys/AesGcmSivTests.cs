using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

/// <summary>RFC 8452 appendix C.1 (AEAD_AES_128_GCM_SIV) vectors, through the same path admin keys use.</summary>
public class AesGcmSivTests
{
    public static TheoryData<string, string, string, string, string, string> Rfc8452Vectors => new()
    {
        // name, key, nonce, aad, plaintext, ciphertext ‖ tag
        { "C.1 #1 empty", "01000000000000000000000000000000", "030000000000000000000000", "", "", "dc20e2d83f25705bb49e439eca56de25" },
        { "C.1 #2 pt 8", "01000000000000000000000000000000", "030000000000000000000000", "", "0100000000000000", "b5d839330ac7b786578782fff6013b815b287c22493a364c" },
        { "C.1 #5 pt 32", "01000000000000000000000000000000", "030000000000000000000000", "", "0100000000000000000000000000000002000000000000000000000000000000", "84e07e62ba83a6585417245d7ec413a9fe427d6315c09b57ce45f2e3936a94451a8e45dcd4578c667cd86847bf6155ff" },
        { "C.1 #8 pt 8 aad 01", "01000000000000000000000000000000", "030000000000000000000000", "01", "0200000000000000", "1e6daba35669f4273b0a1a2560969cdf790d99759abd1508" },
        { "C.1 #9 pt 12 aad 01", "01000000000000000000000000000000", "030000000000000000000000", "01", "020000000000000000000000", "296c7889fd99f41917f4462008299c5102745aaa3a0c469fad9e075a" },
        { "C.1 #14 pt 4 aad 12", "01000000000000000000000000000000", "030000000000000000000000", "010000000000000000000000", "02000000", "a8fe3e8707eb1f84fb28f8cb73de8e99e2f48a14" },
        { "C.1 #15 pt 20 aad 18", "01000000000000000000000000000000", "030000000000000000000000", "010000000000000000000000000000000200", "0300000000000000000000000000000004000000", "6bb0fecf5ded9b77f902c7d5da236a4391dd029724afc9805e976f451e6d87f6fe106514" },
        { "C.1 #17 random key", "e66021d5eb8e4f4066d4adb9c33560e4", "f46e44bb3da0015c94f70887", "", "", "a4194b79071b01a87d65f706e3949578" },
        { "C.1 #18 random key aad 5", "36864200e0eaf5284d884a0e77d31646", "bae8e37fc83441b16034566b", "46bb91c3c5", "7a806c", "af60eb711bd85bc1e4d3e0a462e074eea428a8" },
    };

    [Theory]
    [MemberData(nameof(Rfc8452Vectors))]
    public void Seal_matches_rfc_8452(string name, string key, string nonce, string aad, string plaintext, string expected)
    {
        var sealedData = AesGcmSiv.Seal(Convert.FromHexString(key), Convert.FromHexString(nonce), Convert.FromHexString(aad), Convert.FromHexString(plaintext));
        Assert.True(expected == Convert.ToHexStringLower(sealedData), name);
    }

    [Theory]
    [MemberData(nameof(Rfc8452Vectors))]
    public void Open_recovers_rfc_8452_plaintext_and_refuses_other_aad(string name, string key, string nonce, string aad, string plaintext, string expected)
    {
        var opened = AesGcmSiv.Open(Convert.FromHexString(key), Convert.FromHexString(nonce), Convert.FromHexString(aad), Convert.FromHexString(expected));
        Assert.NotNull(opened);
        Assert.True(plaintext == Convert.ToHexStringLower(opened), name);

        var otherAad = Convert.FromHexString(aad + "ff");
        Assert.Null(AesGcmSiv.Open(Convert.FromHexString(key), Convert.FromHexString(nonce), otherAad, Convert.FromHexString(expected)));
    }

    [Fact]
    public void Open_refuses_a_flipped_bit_anywhere_and_input_shorter_than_a_tag()
    {
        var key = Convert.FromHexString("01000000000000000000000000000000");
        var nonce = Convert.FromHexString("030000000000000000000000");
        var good = Convert.FromHexString("1e6daba35669f4273b0a1a2560969cdf790d99759abd1508");
        for (var i = 0; i < good.Length; i++)
        {
            var bad = (byte[])good.Clone();
            bad[i] ^= 0x80;
            Assert.Null(AesGcmSiv.Open(key, nonce, [1], bad));
        }

        Assert.Null(AesGcmSiv.Open(key, nonce, [1], good.AsSpan(0, 15)));
    }

    [Fact]
    public void Nonce_of_the_wrong_length_is_an_argument_error()
    {
        var e = Assert.Throws<ArgumentException>(() => AesGcmSiv.Seal(new byte[16], new byte[16], [], [1]));
        Assert.Contains("12-byte nonce", e.Message);
    }
}
