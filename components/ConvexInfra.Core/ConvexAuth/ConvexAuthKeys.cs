using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ConvexInfra.Core.ConvexAuth;

/// <summary>
/// The deployment variables Convex Auth reads. <see cref="ToString"/> hides the private key so that a
/// record printed into a log or an exception message never carries it.
/// </summary>
public sealed record ConvexAuthVariables(string JwtPrivateKey, string Jwks, string SiteUrl)
{
    public const string JwtPrivateKeyName = "JWT_PRIVATE_KEY";
    public const string JwksName = "JWKS";
    public const string SiteUrlName = "SITE_URL";

    /// <summary>The three variables as a name → value map, ready to merge into the desired deployment env.</summary>
    public IReadOnlyDictionary<string, string> ToMap() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        [JwtPrivateKeyName] = JwtPrivateKey,
        [JwksName] = Jwks,
        [SiteUrlName] = SiteUrl,
    };

    public override string ToString() => $"ConvexAuthVariables {{ {JwtPrivateKeyName} = [secret], {JwksName} = {Jwks}, {SiteUrlName} = {SiteUrl} }}";
}

/// <summary>
/// Turns an RSA private key (PKCS#8 PEM, as <c>tls.PrivateKey.privateKeyPemPkcs8</c> gives it) into the
/// values Convex Auth's manual setup produces with jose: <c>exportPKCS8</c> with newlines replaced by
/// spaces, and <c>{"keys":[{"use":"sig", ...exportJWK(publicKey)}]}</c>.
/// </summary>
public static class ConvexAuthKeys
{
    public const int MinimumRsaBits = 2048;
    private const string Pkcs8Header = "-----BEGIN PRIVATE KEY-----";

    public static ConvexAuthVariables FromPkcs8Pem(string pkcs8Pem, Uri siteUrl)
    {
        ArgumentNullException.ThrowIfNull(pkcs8Pem);
        ArgumentNullException.ThrowIfNull(siteUrl);
        using var rsa = ImportRsa(pkcs8Pem);
        return new ConvexAuthVariables(JwtPrivateKeyValue(pkcs8Pem), Jwks(rsa.ExportParameters(includePrivateParameters: false)), SiteUrlValue(siteUrl));
    }

    /// <summary>The PEM as one line: Convex Auth's importPKCS8 ignores whitespace, and one line survives every env tool.</summary>
    public static string JwtPrivateKeyValue(string pkcs8Pem)
    {
        ArgumentNullException.ThrowIfNull(pkcs8Pem);
        return string.Join(' ', pkcs8Pem.ReplaceLineEndings("\n").Trim().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>A JSON Web Key Set with the one public key, members in a fixed order so the text is stable.</summary>
    public static string Jwks(RSAParameters publicKey)
    {
        var modulus = publicKey.Modulus ?? throw new ArgumentException("The RSA key has no modulus.", nameof(publicKey));
        var exponent = publicKey.Exponent ?? throw new ArgumentException("The RSA key has no exponent.", nameof(publicKey));
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("keys");
            json.WriteStartObject();
            json.WriteString("use", "sig");
            json.WriteString("kty", "RSA");
            json.WriteString("n", Base64Url(modulus));
            json.WriteString("e", Base64Url(exponent));
            json.WriteString("alg", "RS256");
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SITE_URL as Convex Auth compares it with redirect targets: the origin, without a trailing slash.</summary>
    public static string SiteUrlValue(Uri siteUrl)
    {
        ArgumentNullException.ThrowIfNull(siteUrl);
        return siteUrl.AbsolutePath is "/" or "" ? siteUrl.GetLeftPart(UriPartial.Authority) : siteUrl.AbsoluteUri.TrimEnd('/');
    }

    private static RSA ImportRsa(string pem)
    {
        if (!pem.TrimStart().StartsWith(Pkcs8Header, StringComparison.Ordinal))
        {
            var first = pem.TrimStart().Split('\n', 2)[0].Trim();
            throw new ArgumentException(
                $"The Convex Auth signing key must be a PKCS#8 PEM starting with '{Pkcs8Header}', got one starting with '{first}'. " +
                "Use tls.PrivateKey's privateKeyPemPkcs8, or convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem", nameof(pem));
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new ArgumentException($"The Convex Auth signing key is not a readable RSA PKCS#8 PEM ({e.GetType().Name}); generate it with algorithm RSA, e.g. rsaBits 2048.", nameof(pem), e);
        }

        if (rsa.KeySize < MinimumRsaBits)
        {
            var size = rsa.KeySize;
            rsa.Dispose();
            throw new ArgumentException($"The Convex Auth signing key has {size} bits; RS256 keys need at least {MinimumRsaBits}, e.g. rsaBits 2048.", nameof(pem));
        }

        return rsa;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
