using ConvexInfra.Core.AdminKeys;

namespace ConvexInfra.Core.Tests.AdminKeys;

public class InstanceSecretTests
{
    private const string Hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void Parses_64_hex_characters_in_either_case()
    {
        var lower = InstanceSecret.Parse(Hex);
        var upper = InstanceSecret.Parse(Hex.ToUpperInvariant());
        Assert.Equal(32, lower.Bytes.Length);
        Assert.Equal(0x11, lower.Bytes[1]);
        Assert.Equal(lower, upper);
        Assert.Equal(Hex, upper.RevealHex());
    }

    [Fact]
    public void ToString_does_not_reveal_the_secret()
    {
        var text = InstanceSecret.Parse(Hex).ToString();
        Assert.DoesNotContain("00112233", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("redacted", text);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("abcd", "has 4 characters")]
    [InlineData(Hex + "00", "has 66 characters")]
    [InlineData("zz112233445566778899aabbccddeeff00112233445566778899aabbccddeefz", "position 1")]
    [InlineData(Hex + "\n", "whitespace or a line break")]
    public void Bad_input_says_what_is_wrong_without_echoing_the_value(string input, string expected)
    {
        Assert.False(InstanceSecret.TryParse(input, out var secret, out var error));
        Assert.Null(secret);
        Assert.Contains(expected, error);
        Assert.Contains("64 hex characters", error);
        Assert.Contains("openssl rand -hex 32", error);
        if (input.Length > 4)
        {
            Assert.DoesNotContain(input.Trim()[2..20], error, StringComparison.OrdinalIgnoreCase);
        }

        var e = Assert.Throws<FormatException>(() => InstanceSecret.Parse(input));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void Null_is_refused_and_FromBytes_checks_the_length()
    {
        Assert.False(InstanceSecret.TryParse(null, out _, out var error));
        Assert.Contains("empty", error);
        Assert.Throws<ArgumentException>(() => InstanceSecret.FromBytes(new byte[31]));
        Assert.Equal(InstanceSecret.Parse(Hex), InstanceSecret.FromBytes(Convert.FromHexString(Hex)));
    }

    [Fact]
    public void Different_secrets_are_not_equal()
    {
        Assert.NotEqual(InstanceSecret.Parse(Hex), InstanceSecret.Parse(Hex[..63] + "e"));
    }
}
