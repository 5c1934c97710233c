using System.IdentityModel.Tokens.Jwt;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using ConvexInfra.Core.ConvexAuth;
using Microsoft.IdentityModel.Tokens;

namespace ConvexInfra.Core.Tests.ConvexAuth;

public sealed class ConvexAuthKeysTests
{
    private static readonly Uri Site = new("https://app.example.com");

    private static string NewPkcs8Pem(int bits = 2048)
    {
        using var rsa = RSA.Create(bits);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>What Convex Auth does with JWT_PRIVATE_KEY: jose importPKCS8 drops the armour and all whitespace.</summary>
    private static RSA ImportLikeJose(string jwtPrivateKey)
    {
        var body = jwtPrivateKey.Replace("-----BEGIN PRIVATE KEY-----", "", StringComparison.Ordinal)
            .Replace("-----END PRIVATE KEY-----", "", StringComparison.Ordinal);
        body = string.Concat(body.Where(c => !char.IsWhiteSpace(c)));
        var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(Convert.FromBase64String(body), out _);
        return rsa;
    }

    private static string Sign(RSA key, string subject, DateTime now) =>
        new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            issuer: "https://api.example.com",
            audience: "convex",
            claims: [new Claim("sub", subject)],
            notBefore: now.AddMinutes(-1),
            expires: now.AddHours(1),
            signingCredentials: new SigningCredentials(new RsaSecurityKey(key), SecurityAlgorithms.RsaSha256)));

    private static ClaimsPrincipal Validate(string token, string jwks) =>
        new JwtSecurityTokenHandler().ValidateToken(token, new TokenValidationParameters
        {
            ValidIssuer = "https://api.example.com",
            ValidAudience = "convex",
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
        }, out _);

    [Fact]
    public void A_token_signed_with_JWT_PRIVATE_KEY_validates_against_JWKS()
    {
        var variables = ConvexAuthKeys.FromPkcs8Pem(NewPkcs8Pem(), Site);
        using var key = ImportLikeJose(variables.JwtPrivateKey);

        var principal = Validate(Sign(key, "user|123", DateTime.UtcNow), variables.Jwks);

        Assert.Equal("user|123", principal.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? principal.FindFirst("sub")?.Value);
    }

    [Fact]
    public void A_token_from_another_key_is_rejected_by_JWKS()
    {
        var variables = ConvexAuthKeys.FromPkcs8Pem(NewPkcs8Pem(), Site);
        using var other = RSA.Create(2048);

        Assert.ThrowsAny<SecurityTokenSignatureKeyNotFoundException>(() => Validate(Sign(other, "user|1", DateTime.UtcNow), variables.Jwks));
    }

    [Fact]
    public void JWT_PRIVATE_KEY_is_the_PEM_on_one_line_with_spaces_for_newlines()
    {
        var pem = NewPkcs8Pem();
        var value = ConvexAuthKeys.FromPkcs8Pem(pem + "\n", Site).JwtPrivateKey;

        Assert.DoesNotContain('\n', value);
        Assert.DoesNotContain('\r', value);
        Assert.StartsWith("-----BEGIN PRIVATE KEY----- ", value, StringComparison.Ordinal);
        Assert.EndsWith(" -----END PRIVATE KEY-----", value, StringComparison.Ordinal);
        Assert.Equal(pem.Trim().Replace('\n', ' '), value);
    }

    [Fact]
    public void Windows_line_endings_give_the_same_value()
    {
        var pem = NewPkcs8Pem();
        Assert.Equal(ConvexAuthKeys.JwtPrivateKeyValue(pem), ConvexAuthKeys.JwtPrivateKeyValue(pem.Replace("\n", "\r\n", StringComparison.Ordinal)));
    }

    [Fact]
    public void JWKS_has_one_RS256_signing_key_with_the_public_modulus_and_exponent()
    {
        using var rsa = RSA.Create(3072);
        var variables = ConvexAuthKeys.FromPkcs8Pem(rsa.ExportPkcs8PrivateKeyPem(), Site);
        var parameters = rsa.ExportParameters(false);

        using var document = JsonDocument.Parse(variables.Jwks);
        var key = Assert.Single(document.RootElement.GetProperty("keys").EnumerateArray());
        Assert.Equal(["use", "kty", "n", "e", "alg"], key.EnumerateObject().Select(p => p.Name));
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
        Assert.Equal("AQAB", key.GetProperty("e").GetString());
        Assert.Equal(parameters.Modulus, Base64UrlEncoder.DecodeBytes(key.GetProperty("n").GetString()));
        Assert.DoesNotContain("\"d\"", variables.Jwks, StringComparison.Ordinal);
        Assert.DoesNotContain("\"p\"", variables.Jwks, StringComparison.Ordinal);
    }

    [Fact]
    public void The_values_are_stable_for_one_key()
    {
        var pem = NewPkcs8Pem();
        Assert.Equal(ConvexAuthKeys.FromPkcs8Pem(pem, Site), ConvexAuthKeys.FromPkcs8Pem(pem, Site));
    }

    [Fact]
    public void A_key_under_2048_bits_is_refused_with_the_size_named()
    {
        var e = Assert.Throws<ArgumentException>(() => ConvexAuthKeys.FromPkcs8Pem(NewPkcs8Pem(1024), Site));
        Assert.Contains("1024 bits", e.Message, StringComparison.Ordinal);
        Assert.Contains("2048", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_PKCS1_key_is_refused_with_the_conversion_named()
    {
        using var rsa = RSA.Create(2048);
        var e = Assert.Throws<ArgumentException>(() => ConvexAuthKeys.FromPkcs8Pem(rsa.ExportRSAPrivateKeyPem(), Site));
        Assert.Contains("-----BEGIN RSA PRIVATE KEY-----", e.Message, StringComparison.Ordinal);
        Assert.Contains("privateKeyPemPkcs8", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("MII", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_EC_key_is_refused()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var e = Assert.Throws<ArgumentException>(() => ConvexAuthKeys.FromPkcs8Pem(ec.ExportPkcs8PrivateKeyPem(), Site));
        Assert.Contains("RSA", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://app.example.com", "https://app.example.com")]
    [InlineData("https://app.example.com/", "https://app.example.com")]
    [InlineData("http://localhost:5173/", "http://localhost:5173")]
    [InlineData("https://example.com/app/", "https://example.com/app")]
    public void SITE_URL_has_no_trailing_slash(string given, string expected) =>
        Assert.Equal(expected, ConvexAuthKeys.SiteUrlValue(new Uri(given)));

    [Fact]
    public void The_map_has_the_three_names_and_ToString_hides_the_private_key()
    {
        var variables = ConvexAuthKeys.FromPkcs8Pem(NewPkcs8Pem(), Site);

        Assert.Equal(["JWKS", "JWT_PRIVATE_KEY", "SITE_URL"], variables.ToMap().Keys);
        Assert.Equal("https://app.example.com", variables.ToMap()["SITE_URL"]);
        Assert.DoesNotContain("PRIVATE KEY", variables.ToString(), StringComparison.Ordinal);
        Assert.Contains("[secret]", variables.ToString(), StringComparison.Ordinal);
    }
}
