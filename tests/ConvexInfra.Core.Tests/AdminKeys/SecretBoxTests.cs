using System.Text;
using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class SecretBoxTests
{
    // The backend's own compatibility vector (crates/keybroker legacy encryptor test): secret = 32 × 0x27,
    // version 1, and the prost encoding of the string "hello world" (field 1).
    private const string BackendVector = "010a1e6e07e418a1791e491de168a62e37abce83f3453b3d01c358d38771815433f8ecba285de5a47effe43bd3d5f1a0087788857987";

    [Fact]
    public void Opens_the_backends_legacy_test_vector()
    {
        var bytes = Convert.FromHexString(BackendVector);
        var opened = SecretBox.Open(Enumerable.Repeat((byte)39, 32).ToArray(), bytes.AsSpan(1, 24), bytes.AsSpan(25));
        Assert.NotNull(opened);
        Assert.Equal([0x0a, 11, .. Encoding.ASCII.GetBytes("hello world")], opened);
    }

    [Fact]
    public void Seal_reproduces_the_backends_legacy_test_vector()
    {
        var bytes = Convert.FromHexString(BackendVector);
        var sealedData = SecretBox.Seal(Enumerable.Repeat((byte)39, 32).ToArray(), bytes.AsSpan(1, 24), [0x0a, 11, .. Encoding.ASCII.GetBytes("hello world")]);
        Assert.Equal(BackendVector[50..], Convert.ToHexStringLower(sealedData));
    }

    [Fact]
    public void Open_refuses_any_flipped_bit_and_the_wrong_key()
    {
        var key = Enumerable.Repeat((byte)39, 32).ToArray();
        var bytes = Convert.FromHexString(BackendVector);
        var sealedData = bytes[25..];
        for (var i = 0; i < sealedData.Length; i++)
        {
            var bad = (byte[])sealedData.Clone();
            bad[i] ^= 0x01;
            Assert.Null(SecretBox.Open(key, bytes.AsSpan(1, 24), bad));
        }

        var otherKey = (byte[])key.Clone();
        otherKey[31] ^= 1;
        Assert.Null(SecretBox.Open(otherKey, bytes.AsSpan(1, 24), sealedData));
        Assert.Null(SecretBox.Open(key, bytes.AsSpan(1, 24), sealedData.AsSpan(0, 15)));
    }
}
