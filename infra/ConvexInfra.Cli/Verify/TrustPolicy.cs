using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ConvexInfra.Cli.Outputs;

namespace ConvexInfra.Cli.Verify;

/// <summary>
/// Which server certificates verify accepts: the system's trust store, plus the CAs of <c>--ca-file</c>
/// (a private CA, or a test CA). There is deliberately no switch that accepts every certificate.
/// </summary>
public sealed class TrustPolicy : IDisposable
{
    private readonly X509Certificate2Collection extraRoots;

    private TrustPolicy(X509Certificate2Collection extraRoots) => this.extraRoots = extraRoots;

    public static TrustPolicy System() => new([]);

    public static TrustPolicy WithCaFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"--ca-file: '{path}' does not exist; expected a PEM file with one or more CA certificates");
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw new InputException($"--ca-file: '{path}' is not a PEM certificate file ({e.Message}); expected -----BEGIN CERTIFICATE----- blocks");
        }

        if (roots.Count == 0)
        {
            throw new InputException($"--ca-file: '{path}' holds no certificate; expected -----BEGIN CERTIFICATE----- blocks");
        }

        return new TrustPolicy(roots);
    }

    /// <summary>The verdict after trying the extra CAs: the errors left, and the chain problems behind them.</summary>
    public (SslPolicyErrors Errors, IReadOnlyList<string> ChainProblems) Evaluate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var problems = chain?.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || extraRoots.Count == 0 || certificate is null)
        {
            return (errors, problems);
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(extraRoots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (custom.Build(leaf))
        {
            return (SslPolicyErrors.None, []);
        }

        return (errors, custom.ChainStatus.Where(s => s.Status != X509ChainStatusFlags.NoError).Select(s => s.Status.ToString()).Distinct().ToList());
    }

    /// <summary>For HttpClient and ClientWebSocket: accept what <see cref="Evaluate"/> finds no error in.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        Evaluate(certificate, chain, errors).Errors == SslPolicyErrors.None;

    public void Dispose()
    {
        foreach (var root in extraRoots)
        {
            root.Dispose();
        }
    }
}
