using System.Collections.Immutable;
using ConvexInfra.Core.ConvexAuth;
using ConvexInfra.Core.Spec;
using Pulumi;
using Tls = Pulumi.Tls;

namespace ConvexInfra.Components;

/// <summary>
/// The RS256 key Convex Auth signs its JWTs with, held in Pulumi state, and the variables made from it
/// (JWT_PRIVATE_KEY, JWKS, SITE_URL). <c>tls.PrivateKey</c> has no keepers, so the rotation counter
/// <c>convexAuthKeyVersion</c> is part of the resource name: a new version is a new key, and the old one is deleted.
/// </summary>
internal sealed class ConvexAuthSigningKey
{
    public const int RsaBits = 2048;

    public Tls.PrivateKey Key { get; }

    /// <summary>Secret: JWT_PRIVATE_KEY is in it.</summary>
    public Output<ImmutableDictionary<string, string>> Variables { get; }

    public ConvexAuthSigningKey(string name, DeploymentSpec spec, Resource parent)
    {
        var siteUrl = spec.Extensions.ConvexAuthSiteUrl ?? throw new ArgumentException(
            "convex-infra:convexAuth is true but convex-infra:convexAuthSiteUrl is not set; set it to the app's URL, e.g. https://app.example.com", nameof(spec));
        Key = new Tls.PrivateKey(ResourceName(name, spec.Extensions.ConvexAuthKeyVersion), new Tls.PrivateKeyArgs
        {
            Algorithm = "RSA",
            RsaBits = RsaBits,
        }, new CustomResourceOptions
        {
            Parent = parent,
            AdditionalSecretOutputs = ["privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"],
        });

        // The engine marks privateKeyPemPkcs8 secret on its own; mocks do not, so say it here too.
        Variables = Output.CreateSecret(Key.PrivateKeyPemPkcs8.Apply(pem =>
            ConvexAuthKeys.FromPkcs8Pem(pem, siteUrl).ToMap().ToImmutableDictionary(StringComparer.Ordinal)));
    }

    /// <summary>Version 0 keeps the plain name; every later version gets its own.</summary>
    public static string ResourceName(string name, int version) =>
        version == 0 ? $"{name}-convex-auth-key" : $"{name}-convex-auth-key-v{version}";
}
