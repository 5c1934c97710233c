using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>A throwaway CA and server certificates it signs, made in-test; the CA goes to verify via --ca-file.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly X509Certificate2 ca;

    public TestCertificates()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=convex-infra test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-3), DateTimeOffset.UtcNow.AddYears(1));
        CaPemPath = Path.Combine(Path.GetTempPath(), $"cliops-ca-{Guid.NewGuid():N}.pem");
        File.WriteAllText(CaPemPath, ca.ExportCertificatePem());
    }

    public string CaPemPath { get; }

    /// <summary>A server certificate for <paramref name="dnsName"/> (and 127.0.0.1), valid from yesterday for <paramref name="validDays"/>.</summary>
    public X509Certificate2 Server(string dnsName = "localhost", double validDays = 90)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var notBefore = DateTimeOffset.UtcNow.AddDays(-2);
        var notAfter = DateTimeOffset.UtcNow.AddDays(validDays);
        using var signed = request.Create(ca, notBefore, notAfter, Guid.NewGuid().ToByteArray()[..8]);
        using var withKey = signed.CopyWithPrivateKey(key);

        // A PKCS#12 round trip gives a certificate whose key SslStream can use on every platform.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public void Dispose()
    {
        ca.Dispose();
        File.Delete(CaPemPath);
    }
}
