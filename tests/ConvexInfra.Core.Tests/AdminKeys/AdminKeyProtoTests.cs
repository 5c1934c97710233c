using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class AdminKeyProtoTests
{
    private static string Encode(AdminKeyClaims claims) => Convert.ToHexStringLower(AdminKeyProto.Encode(claims));

    [Fact]
    public void Member_0_key_is_issue_time_then_member_id_0_which_a_oneof_always_writes()
    {
        // 1700000000 = 0x6553F100 → varint 80 e2 cf aa 06.
        Assert.Equal("1080e2cfaa061800", Encode(new AdminKeyClaims(null, 1_700_000_000, AdminKeyIdentity.Member(0), false)));
    }

    [Fact]
    public void System_key_writes_field_4_as_an_empty_message()
    {
        Assert.Equal("1001" + "2200", Encode(new AdminKeyClaims(null, 1, AdminKeyIdentity.System, false)));
    }

    [Fact]
    public void Read_only_appends_field_5_and_false_is_left_out()
    {
        Assert.Equal("1001" + "182a" + "2801", Encode(new AdminKeyClaims(null, 1, AdminKeyIdentity.Member(42), true)));
        Assert.Equal("1001" + "182a", Encode(new AdminKeyClaims(null, 1, AdminKeyIdentity.Member(42), false)));
    }

    [Fact]
    public void Legacy_name_is_field_1_and_large_values_use_ten_byte_varints()
    {
        Assert.Equal("0a03616263" + "10ffffffffffffffffff01" + "18ffffffffffffffffff01",
            Encode(new AdminKeyClaims("abc", ulong.MaxValue, AdminKeyIdentity.Member(ulong.MaxValue), false)));
    }

    [Theory]
    [InlineData("1080e2cfaa061800", null, 1_700_000_000UL, "member 0", false)]
    [InlineData("0a03616263100118072801", "abc", 1UL, "member 7", true)]
    [InlineData("100122002801", null, 1UL, "system", true)]
    [InlineData("1001", null, 1UL, null, false)]
    [InlineData("", null, 0UL, null, false)]
    // Unknown fields of every wire type are skipped, as prost does.
    [InlineData("3001" + "390102030405060708" + "3a0100" + "3d01020304" + "43080144" + "1005", null, 5UL, null, false)]
    // In a oneof the last member wins; a repeated scalar keeps the last value.
    [InlineData("18052200" + "1001" + "1002", null, 2UL, "system", false)]
    [InlineData("22001809", null, 0UL, "member 9", false)]
    public void Decodes_like_prost(string hex, string? name, ulong issued, string? identity, bool readOnly)
    {
        Assert.True(AdminKeyProto.TryDecode(Convert.FromHexString(hex), out var claims, out var error), error);
        Assert.Equal(name, claims.InstanceName);
        Assert.Equal(issued, claims.IssuedAtUnixSeconds);
        Assert.Equal(identity, claims.Identity?.ToString());
        Assert.Equal(readOnly, claims.ReadOnly);
    }

    [Theory]
    [InlineData("10", "truncated")]
    [InlineData("1080", "truncated")]
    [InlineData("0a05616263", "truncated")]
    [InlineData("39010203", "truncated")]
    [InlineData("10ffffffffffffffffff02", "overflows")]
    [InlineData("10ffffffffffffffffff8001", "overflows")]
    [InlineData("0001", "number 0")]
    [InlineData("1f01", "unknown wire type 7")]
    [InlineData("1201", "does not match")]
    [InlineData("2001", "does not match")]
    [InlineData("0a02c328", "UTF-8")]
    [InlineData("220110", "field 4")]
    [InlineData("4308", "truncated")]
    [InlineData("434c", "mismatched end tag")]
    [InlineData("44", "end-group")]
    public void Refuses_malformed_input_with_a_reason(string hex, string expected)
    {
        Assert.False(AdminKeyProto.TryDecode(Convert.FromHexString(hex), out var claims, out var error));
        Assert.Null(claims);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void Every_truncation_of_a_full_message_is_refused_or_decodes_a_prefix_cleanly()
    {
        var full = AdminKeyProto.Encode(new AdminKeyClaims("name", 1_700_000_000, AdminKeyIdentity.Member(300), true));
        for (var length = 0; length < full.Length; length++)
        {
            var ok = AdminKeyProto.TryDecode(full.AsSpan(0, length), out var claims, out var error);
            Assert.True(ok || error.Length > 0);
            Assert.NotEqual(new AdminKeyClaims("name", 1_700_000_000, AdminKeyIdentity.Member(300), true), claims);
        }
    }
}
