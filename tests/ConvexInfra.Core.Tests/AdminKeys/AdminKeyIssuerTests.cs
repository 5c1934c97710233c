using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class AdminKeyIssuerTests
{
    internal static readonly InstanceSecret Secret = InstanceSecret.Parse("7e57000000000000000000000000000000000000000000000000000000007e57");

    [Fact]
    public void Member_0_key_is_name_bar_and_74_hex_characters_starting_with_version_01()
    {
        var key = AdminKeyIssuer.Issue("convex-self-hosted", Secret);
        Assert.StartsWith("convex-self-hosted|01", key);
        var hex = key["convex-self-hosted|".Length..];
        Assert.Equal(74, hex.Length);
        Assert.Equal(hex.ToLowerInvariant(), hex);
    }

    [Fact]
    public void Fixed_nonce_and_time_give_the_same_key_every_time()
    {
        var options = AdminKeyOptions.FromHex("000102030405060708090a0b", 1_700_000_000);
        var first = AdminKeyIssuer.Issue("convex-self-hosted", Secret, options);
        Assert.Equal(first, AdminKeyIssuer.Issue("convex-self-hosted", Secret, options with { }));
        Assert.Equal("convex-self-hosted|01000102030405060708090a0b22c2277585eeeae3b7909a965be1b1e77dc41e992844472e", first);
    }

    [Fact]
    public void Without_options_each_key_is_different_and_issued_now()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var a = AdminKeyIssuer.Issue("n", Secret);
        var b = AdminKeyIssuer.Issue("n", Secret);
        Assert.NotEqual(a, b);
        var verified = AdminKeyVerifier.Verify("n", Secret, a);
        Assert.True(verified.Accepted, verified.Message);
        Assert.InRange((long)verified.IssuedAtUnixSeconds!.Value, before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public void The_instance_name_is_not_inside_the_encrypted_part()
    {
        var options = AdminKeyOptions.FromHex("a0a1a2a3a4a5a6a7a8a9aaab", 1_767_225_600);
        var a = AdminKeyIssuer.Issue("alpha", Secret, options);
        var b = AdminKeyIssuer.Issue("beta", Secret, options);
        Assert.Equal(a["alpha|".Length..], b["beta|".Length..]);
    }

    [Fact]
    public void System_and_read_only_keys_are_longer_by_their_fields()
    {
        var options = AdminKeyOptions.FromHex("a0a1a2a3a4a5a6a7a8a9aaab", 1_767_225_600);
        Assert.Equal(74, AdminKeyIssuer.Issue("n", Secret, options with { System = true }).Length - 2);
        Assert.Equal(78, AdminKeyIssuer.Issue("n", Secret, options with { ReadOnly = true }).Length - 2);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("prod:app", "':'")]
    [InlineData("a|b", "'|'")]
    [InlineData("has space", "whitespace")]
    public void Names_the_backend_could_never_match_are_refused(string name, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => AdminKeyIssuer.Issue(name, Secret));
        Assert.Contains(expected, e.Message);
        Assert.Contains("convex-self-hosted", e.Message);
    }

    [Fact]
    public void Bad_options_are_refused_with_the_option_named()
    {
        Assert.Contains("Nonce must be 12 bytes, got 5", Assert.Throws<ArgumentException>(() =>
            AdminKeyIssuer.Issue("n", Secret, new AdminKeyOptions { Nonce = new byte[5] })).Message);
        Assert.Contains("IssuedAtUnixSeconds must be above 0", Assert.Throws<ArgumentException>(() =>
            AdminKeyIssuer.Issue("n", Secret, new AdminKeyOptions { IssuedAtUnixSeconds = 0 })).Message);
        Assert.Contains("System", Assert.Throws<ArgumentException>(() =>
            AdminKeyIssuer.Issue("n", Secret, new AdminKeyOptions { System = true, ReadOnly = true })).Message);
        Assert.Contains("System", Assert.Throws<ArgumentException>(() =>
            AdminKeyIssuer.Issue("n", Secret, new AdminKeyOptions { System = true, MemberId = 3 })).Message);
    }

    [Theory]
    [InlineData("0001020304050607080910", "got 22 characters")]
    [InlineData("00010203040506070809101g", "non-hex")]
    public void FromHex_refuses_a_bad_nonce_with_an_example(string nonce, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => AdminKeyOptions.FromHex(nonce, 1));
        Assert.Contains(expected, e.Message);
        Assert.Contains("e.g. 000102030405060708090a0b", e.Message);
    }
}
