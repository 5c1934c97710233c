using System.Globalization;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using Random = Pulumi.Random;
using Ssm = Pulumi.Aws.Ssm;

namespace ConvexInfra.Components.Aws;

public sealed class SecretsArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required Input<string> DatabaseHost { get; init; }
    public required Input<int> DatabasePort { get; init; }
    public required string DatabaseUser { get; init; }

    /// <summary>Secret.</summary>
    public required Input<string> DatabasePassword { get; init; }
}

/// <summary>
/// The stack's secrets, Pulumi secrets from birth: the instance secret (32 random bytes, hex), the admin key
/// computed offline from it, and <c>POSTGRES_URL</c>. The instance secret, <c>POSTGRES_URL</c> and the admin key
/// are also stored as SSM SecureString parameters, where the host or task reads them at runtime.
/// The admin key's nonce and issue time live in state, so it is the same on every run; bumping
/// <c>instanceSecretVersion</c> (revokes every admin key and session) or <c>adminKeyVersion</c> (a new key; old
/// keys stay valid) are the only ways to change them.
/// </summary>
public sealed class Secrets : ComponentResource
{
    public Output<string> InstanceSecret { get; }
    public Output<string> AdminKey { get; }
    public Output<string> PostgresUrl { get; }
    public SecretParameterNames ParameterNames { get; }

    /// <summary>
    /// The SSM versions of the instance secret and <c>POSTGRES_URL</c> parameters (not secret). Whatever reads the
    /// values at run time takes these as input: it then waits until the values are written, and changes with them.
    /// </summary>
    public Output<SecretParameterVersions> ParameterVersions { get; }

    public Secrets(string name, SecretsArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Secrets, name, options)
    {
        var spec = args.Spec;
        var child = new CustomResourceOptions { Parent = this };
        ParameterNames = ResourceNames.SecretParameters(spec);

        var secretVersion = spec.Rotation.InstanceSecretVersion.ToString(CultureInfo.InvariantCulture);
        var keyVersion = spec.Rotation.AdminKeyVersion.ToString(CultureInfo.InvariantCulture);

        var secretBytes = new Random.RandomBytes($"{name}-instance-secret", new Random.RandomBytesArgs
        {
            Length = 32,
            Keepers = { { "instanceSecretVersion", secretVersion } },
        }, child);
        // Under mocks a provider's own secret outputs are not marked secret: mark them here so code, engine and tests agree.
        InstanceSecret = Output.CreateSecret(secretBytes.Hex);

        var keyKeepers = new InputMap<string>
        {
            { "instanceSecretVersion", secretVersion },
            { "adminKeyVersion", keyVersion },
        };
        var nonce = new Random.RandomBytes($"{name}-admin-key-nonce", new Random.RandomBytesArgs
        {
            Length = 12,
            Keepers = keyKeepers,
        }, child);

        // Min = Max = now pins the issue time at creation; later runs pass a newer "now", which must not count as a
        // change. Unix seconds fit an int until 2038.
        var now = checked((int)DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var issuedAt = new Random.RandomInteger($"{name}-admin-key-issued-at", new Random.RandomIntegerArgs
        {
            Min = now,
            Max = now,
            Keepers = new InputMap<string>
            {
                { "instanceSecretVersion", secretVersion },
                { "adminKeyVersion", keyVersion },
            },
        }, new CustomResourceOptions { Parent = this, IgnoreChanges = { "min", "max" } });

        AdminKey = Output.CreateSecret(
            Output.Tuple(InstanceSecret, nonce.Hex, issuedAt.Result).Apply(t => AdminKeyIssuer.Issue(
                spec.InstanceName,
                Core.AdminKeys.InstanceSecret.Parse(t.Item1),
                AdminKeyOptions.FromHex(t.Item2, t.Item3))));

        PostgresUrl = Output.CreateSecret(
            Output.Tuple(args.DatabasePassword.ToOutput(), args.DatabaseHost.ToOutput(), args.DatabasePort.ToOutput())
                .Apply(t => Core.Containers.PostgresUrl.Build(args.DatabaseUser, t.Item1, t.Item2, t.Item3)));

        var instanceSecretParameter = SecureParameter($"{name}-instance-secret", ParameterNames.InstanceSecret, InstanceSecret,
            "Convex INSTANCE_SECRET (hex, 32 bytes)", spec, child);
        var postgresUrlParameter = SecureParameter($"{name}-postgres-url", ParameterNames.PostgresUrl, PostgresUrl,
            "Convex POSTGRES_URL (no database name, no query string)", spec, child);
        SecureParameter($"{name}-admin-key", ParameterNames.AdminKey, AdminKey,
            "Convex admin key (CONVEX_SELF_HOSTED_ADMIN_KEY)", spec, child);
        ParameterVersions = Output.Tuple(instanceSecretParameter.Version, postgresUrlParameter.Version)
            .Apply(v => new SecretParameterVersions(v.Item1, v.Item2));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["adminKey"] = AdminKey,
            ["instanceSecretParameter"] = ParameterNames.InstanceSecret,
            ["postgresUrlParameter"] = ParameterNames.PostgresUrl,
            ["adminKeyParameter"] = ParameterNames.AdminKey,
        });
    }

    private static Ssm.Parameter SecureParameter(
        string resourceName, string parameterName, Output<string> value, string description, DeploymentSpec spec, CustomResourceOptions child) =>
        new(resourceName, new Ssm.ParameterArgs
        {
            Name = parameterName,
            Type = "SecureString",
            Value = value,
            Description = description,
            Tags = AwsTags.For(spec, resourceName),
        }, child);
}
