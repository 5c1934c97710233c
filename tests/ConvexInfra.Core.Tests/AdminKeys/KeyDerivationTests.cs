using System.Security.Cryptography;
using System.Text;
using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class KeyDerivationTests
{
    [Fact]
    public void Counter_mode_matches_nist_cavp_vector()
    {
        // NIST CAVP KBKDF, [PRF=HMAC_SHA256] [CTRLOCATION=BEFORE_FIXED] [RLEN=32_BITS], COUNT=0, L=128.
        var ki = Convert.FromHexString("dd1d91b7d90b2bd3138533ce92b272fbf8a369316aefe242e659cc0ae238afe0");
        var fixedInput = Convert.FromHexString("01322b96b30acd197979444e468e1c5c6859bf1b1cf951b7e725303e237e46b864a145fab25e517b08f8683d0315bb2911d80a0e8aba17f3b413faac");
        Assert.Equal("10621342bfb0fd40046c0e29f2cfdbf0", Convert.ToHexStringLower(KeyDerivation.CounterModeHmacSha256(ki, fixedInput, 16)));
    }

    [Fact]
    public void Longer_outputs_concatenate_blocks_with_an_incrementing_counter()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var info = Encoding.ASCII.GetBytes("label");
        var expected = HMACSHA256.HashData(key, (byte[])[0, 0, 0, 1, .. info])
            .Concat(HMACSHA256.HashData(key, (byte[])[0, 0, 0, 2, .. info]))
            .Take(40)
            .ToArray();
        Assert.Equal(expected, KeyDerivation.CounterModeHmacSha256(key, info, 40));
    }

    [Fact]
    public void Admin_key_subkey_is_the_first_16_bytes_of_hmac_over_counter_1_and_the_label()
    {
        var secret = InstanceSecret.Parse("7e57000000000000000000000000000000000000000000000000000000007e57");
        var expected = HMACSHA256.HashData(secret.Bytes, [0, 0, 0, 1, .. "admin key"u8]).AsSpan(0, 16).ToArray();
        Assert.Equal(expected, KeyDerivation.AdminKeySubkey(secret));

        // The same value an independent implementation (@noble/hashes) derived; see Fixtures/admin-keys.json.
        Assert.Equal("205bb8d84118cc23657bf40c04756938", Convert.ToHexStringLower(KeyDerivation.AdminKeySubkey(secret)));
    }
}
