using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class AdminKeyVerifierTests
{
    private const string Name = "convex-self-hosted";
    private static readonly InstanceSecret Secret = AdminKeyIssuerTests.Secret;
    private static readonly AdminKeyOptions Fixed = AdminKeyOptions.FromHex("000102030405060708090a0b", 1_700_000_000);

    [Fact]
    public void Round_trip_reports_format_identity_access_and_time()
    {
        var v = AdminKeyVerifier.Verify(Name, Secret, AdminKeyIssuer.Issue(Name, Secret, Fixed with { MemberId = 42, ReadOnly = true }));
        Assert.True(v.Accepted, v.Message);
        Assert.Null(v.Reason);
        Assert.Equal(AdminKeyFormat.Current, v.Format);
        Assert.Equal(Name, v.InstanceName);
        Assert.Equal(AdminKeyIdentity.Member(42), v.Identity);
        Assert.True(v.ReadOnly);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), v.IssuedAt);
        Assert.Equal("valid admin key for member 42 for instance 'convex-self-hosted', read-only, issued 2023-11-14T22:13:20Z, current format; it does not expire", v.Message);
    }

    [Fact]
    public void System_key_round_trips()
    {
        var v = AdminKeyVerifier.Verify(Name, Secret, AdminKeyIssuer.Issue(Name, Secret, Fixed with { System = true }));
        Assert.True(v.Accepted, v.Message);
        Assert.True(v.Identity!.IsSystem);
        Assert.Contains("system key", v.Message);
    }

    [Theory]
    [InlineData("prod:")]
    [InlineData("dev:")]
    [InlineData("anything:")]
    public void A_type_prefix_before_the_name_is_ignored(string prefix)
    {
        var v = AdminKeyVerifier.Verify(Name, Secret, prefix + AdminKeyIssuer.Issue(Name, Secret, Fixed));
        Assert.True(v.Accepted, v.Message);
        Assert.Equal(Name, v.InstanceName);
    }

    [Fact]
    public void Uppercase_hex_is_accepted_like_the_backend_does()
    {
        var key = AdminKeyIssuer.Issue(Name, Secret, Fixed);
        Assert.True(AdminKeyVerifier.Verify(Name, Secret, Name + "|" + key[(Name.Length + 1)..].ToUpperInvariant()).Accepted);
    }

    [Fact]
    public void Flipping_any_bit_of_any_byte_is_rejected()
    {
        var key = AdminKeyIssuer.Issue(Name, Secret, Fixed);
        var bytes = Convert.FromHexString(key[(Name.Length + 1)..]);
        for (var i = 0; i < bytes.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var bad = (byte[])bytes.Clone();
                bad[i] ^= (byte)(1 << bit);
                var v = AdminKeyVerifier.Verify(Name, Secret, $"{Name}|{Convert.ToHexStringLower(bad)}");
                Assert.False(v.Accepted);
                Assert.Equal(i == 0 ? AdminKeyRejectionReason.WrongVersionByte : AdminKeyRejectionReason.DecryptionFailed, v.Reason);
            }
        }
    }

    [Fact]
    public void Another_secret_is_reported_as_decryption_failure_in_plain_words()
    {
        var other = InstanceSecret.Parse("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        var v = AdminKeyVerifier.Verify(Name, other, AdminKeyIssuer.Issue(Name, Secret, Fixed));
        Assert.Equal(AdminKeyRejectionReason.DecryptionFailed, v.Reason);
        Assert.Contains("the key was not made with this instance secret, or it was altered", v.Message);
        Assert.Null(v.Format);
    }

    [Fact]
    public void Wrong_name_names_both_instances()
    {
        var v = AdminKeyVerifier.Verify("other-app", Secret, AdminKeyIssuer.Issue(Name, Secret, Fixed));
        Assert.Equal(AdminKeyRejectionReason.WrongInstanceName, v.Reason);
        Assert.Contains("'convex-self-hosted'", v.Message);
        Assert.Contains("'other-app'", v.Message);
        Assert.Equal(Name, v.InstanceName);
    }

    [Fact]
    public void A_bare_current_key_has_no_name_and_is_refused()
    {
        var key = AdminKeyIssuer.Issue(Name, Secret, Fixed);
        var v = AdminKeyVerifier.Verify(Name, Secret, key[(Name.Length + 1)..]);
        Assert.Equal(AdminKeyRejectionReason.MissingInstanceName, v.Reason);
        Assert.Contains("convex-self-hosted|<key>", v.Message);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("convex-self-hosted|", "nothing after")]
    [InlineData("convex-self-hosted|01zz", "character 3")]
    [InlineData("convex-self-hosted|010", "odd number of characters (3)")]
    [InlineData("convex-self-hosted|01 02", "whitespace")]
    [InlineData("convex-self-hosted|0100010203", "too short: 5 bytes")]
    [InlineData("no-bar-and-not-hex", "must be hex")]
    public void Malformed_keys_say_what_is_wrong_without_echoing_the_key(string key, string expected)
    {
        var v = AdminKeyVerifier.Verify(Name, Secret, key);
        Assert.Equal(AdminKeyRejectionReason.Malformed, v.Reason);
        Assert.Contains(expected, v.Message);
        if (key.Contains("0100010203", StringComparison.Ordinal))
        {
            Assert.DoesNotContain("0100010203", v.Message);
        }
    }

    [Fact]
    public void Wrong_version_byte_is_named()
    {
        var key = AdminKeyIssuer.Issue(Name, Secret, Fixed);
        var v = AdminKeyVerifier.Verify(Name, Secret, Name + "|02" + key[(Name.Length + 3)..]);
        Assert.Equal(AdminKeyRejectionReason.WrongVersionByte, v.Reason);
        Assert.Contains("0x02", v.Message);
    }

    [Theory]
    [InlineData("", AdminKeyRejectionReason.MissingIssueTime)]
    [InlineData("1800", AdminKeyRejectionReason.MissingIssueTime)]
    [InlineData("1001", AdminKeyRejectionReason.MissingIdentity)]
    [InlineData("10012801", AdminKeyRejectionReason.MissingIdentity)]
    [InlineData("1001180", AdminKeyRejectionReason.BadProtobuf)]
    public void Well_sealed_but_incomplete_content_gets_the_backends_reason(string protoHex, AdminKeyRejectionReason reason)
    {
        var proto = protoHex.Length % 2 == 0 ? Convert.FromHexString(protoHex) : [0x10, 0x01, 0x18];
        var v = AdminKeyVerifier.Verify(Name, Secret, SealCurrent(Name, proto));
        Assert.Equal(reason, v.Reason);
        Assert.Equal(AdminKeyFormat.Current, v.Format);
    }

    [Fact]
    public void Name_is_checked_before_issue_time_and_identity_like_the_backend()
    {
        var v = AdminKeyVerifier.Verify("someone-else", Secret, SealCurrent(Name, []));
        Assert.Equal(AdminKeyRejectionReason.WrongInstanceName, v.Reason);
    }

    [Fact]
    public void Legacy_key_made_here_with_secretbox_is_accepted_and_flagged()
    {
        var nonce = Enumerable.Range(0, 24).Select(i => (byte)i).ToArray();
        var proto = AdminKeyProto.Encode(new AdminKeyClaims(Name, 1_650_000_000, AdminKeyIdentity.Member(0), false));
        var bytes = (byte[])[1, .. nonce, .. SecretBox.Seal(Secret.Bytes, nonce, proto)];
        var bare = Convert.ToHexStringLower(bytes);

        var v = AdminKeyVerifier.Verify(Name, Secret, bare);
        Assert.True(v.Accepted, v.Message);
        Assert.Equal(AdminKeyFormat.Legacy, v.Format);
        Assert.Contains("legacy", v.Message);

        // The prefix wins over the name inside when both are present.
        Assert.Equal(AdminKeyRejectionReason.WrongInstanceName, AdminKeyVerifier.Verify(Name, Secret, "other|" + bare).Reason);
        for (var i = 1; i < bytes.Length; i++)
        {
            var bad = (byte[])bytes.Clone();
            bad[i] ^= 0x40;
            Assert.Equal(AdminKeyRejectionReason.DecryptionFailed, AdminKeyVerifier.Verify(Name, Secret, Convert.ToHexStringLower(bad)).Reason);
        }
    }

    [Fact]
    public void Results_never_contain_the_secret()
    {
        var hex = Secret.RevealHex();
        foreach (var key in new[] { AdminKeyIssuer.Issue(Name, Secret, Fixed), "x|01", "x|" + hex })
        {
            var v = AdminKeyVerifier.Verify("other", Secret, key);
            Assert.DoesNotContain(hex, v.ToString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string SealCurrent(string name, byte[] proto)
    {
        var nonce = new byte[12];
        var sealedData = AesGcmSiv.Seal(KeyDerivation.AdminKeySubkey(Secret), nonce, [1], proto);
        return $"{name}|{Convert.ToHexStringLower([1, .. nonce, .. sealedData])}";
    }
}
