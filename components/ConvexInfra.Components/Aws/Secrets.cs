using System.Collections.Immutable;
using System.Globalization;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using Pulumi;
using Kms = Pulumi.Aws.Kms;
using Random = Pulumi.Random;
using Ssm = Pulumi.Aws.Ssm;

namespace ConvexInfra.Components.Aws;

public sealed class SecretsArgs
{
    public required DeploymentSpec Spec { get; init; }
    public required AwsAccountContext Account { get; init; }

    /// <summary>Who runs pulumi (<c>sts:GetCallerIdentity</c>): with the spec's <c>deployRoles</c>, the key's deployers.</summary>
    public required string CallerArn { get; init; }
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
/// Every SecureString is encrypted with the stack's own KMS key (rotation on), whose policy lets only the stack's
/// runtime roles and its deployer decrypt (Core's <see cref="KeyPolicies"/>). Those roles are created by the
/// components that use them, after this one (they need the parameter versions), so the owner names them with
/// <see cref="AllowDecrypt"/> once they exist: the key waits for them, and nothing waits for the key's policy.
/// </summary>
public sealed class Secrets : ComponentResource
{
    public Output<string> InstanceSecret { get; }
    public Output<string> AdminKey { get; }
    public Output<string> PostgresUrl { get; }
    public SecretParameterNames ParameterNames { get; }

    /// <summary>The admin key's parameter: what the export task reads (it must exist before the task runs).</summary>
    public Resource AdminKeyParameter { get; }

    /// <summary>The ARN of the stack's KMS key (what the readers' IAM policies name).</summary>
    public Output<string> KeyArn { get; }

    private readonly TaskCompletionSource<Output<(ImmutableArray<string> SsmReaders, StackKeyS3Use S3Use)>> _keyUsers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The SSM versions of the instance secret and <c>POSTGRES_URL</c> parameters (EC2) or of the instance secret and the
    /// database credentials parameters (ECS, whose credentials need no RDS address); not secret. Whatever reads the
    /// values at run time takes these as input: it then waits until the values are written, and changes with them.
    /// </summary>
    public Output<SecretParameterVersions> ParameterVersions { get; }

    public Secrets(string name, SecretsArgs args, ComponentResourceOptions? options = null)
        : base(ComponentTokens.Secrets, name, options)
    {
        var spec = args.Spec;
        var child = new CustomResourceOptions { Parent = this };
        ParameterNames = ResourceNames.SecretParameters(spec);

        // The policy is known once the owner names the reader roles; until then the key's registration waits.
        var keyPolicy = Output.Create(_keyUsers.Task).Apply(users => users)
            .Apply(users => StackPolicies.StackKey(spec, args.Account, args.CallerArn, users.SsmReaders, users.S3Use));
        var key = new Kms.Key($"{name}-key", new Kms.KeyArgs
        {
            Description = $"SecureString parameters of {spec.ProjectName}/{spec.StackName}",
            EnableKeyRotation = true,
            // The longest window: a key deleted by mistake can be restored for 30 days, else its parameters are lost.
            DeletionWindowInDays = 30,
            Policy = keyPolicy,
            Tags = AwsTags.For(spec, $"{name}-key"),
        }, child);
        _ = new Kms.Alias($"{name}-key-alias", new Kms.AliasArgs
        {
            Name = KeyPolicies.Alias(spec),
            TargetKeyId = key.KeyId,
        }, child);
        KeyArn = key.Arn;

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
            "Convex INSTANCE_SECRET (hex, 32 bytes)", key, spec, child);
        var postgresUrlParameter = SecureParameter($"{name}-postgres-url", ParameterNames.PostgresUrl, PostgresUrl,
            "Convex POSTGRES_URL (no database name, no query string)", key, spec, child);
        AdminKeyParameter = SecureParameter($"{name}-admin-key", ParameterNames.AdminKey, AdminKey,
            "Convex admin key (CONVEX_SELF_HOSTED_ADMIN_KEY)", key, spec, child);
        // ECS injects the credentials alone (no RDS address: the task starts while RDS is created) and its entrypoint adds
        // the address; EC2 reads POSTGRES_URL. Each target's versions are those of what its backend reads.
        var injected = postgresUrlParameter;
        if (spec.Target == DeploymentTarget.AwsEcs)
        {
            var credentials = Output.CreateSecret(args.DatabasePassword.ToOutput()
                .Apply(password => Core.Containers.PostgresUrl.Credentials(args.DatabaseUser, password)));
            injected = SecureParameter($"{name}-db-credentials", ResourceNames.DatabaseCredentialsParameter(spec), credentials,
                "Convex database credentials (user:password, percent-encoded); the ECS entrypoint adds the RDS address", key, spec, child);
        }

        ParameterVersions = Output.Tuple(instanceSecretParameter.Version, injected.Version)
            .Apply(v => new SecretParameterVersions(v.Item1, v.Item2));

        RegisterOutputs(new Dictionary<string, object?>
        {
            ["adminKey"] = AdminKey,
            ["instanceSecretParameter"] = ParameterNames.InstanceSecret,
            ["postgresUrlParameter"] = ParameterNames.PostgresUrl,
            ["adminKeyParameter"] = ParameterNames.AdminKey,
        });
    }

    /// <summary>
    /// Names the key's users, once, after creating them: the stack's roles that decrypt its parameters through SSM
    /// (<paramref name="roleArns"/>), and the export task role that stores the deployment variables in
    /// <paramref name="exportsBucket"/> through S3, with the backup copy's replication role (null without a copy) that
    /// reads them there.
    /// </summary>
    public void AllowDecrypt(IReadOnlyList<Output<string>> roleArns, Output<string> exportsBucket, Output<string> exportTaskRoleArn, Output<string>? replicationRoleArn)
    {
        ArgumentNullException.ThrowIfNull(roleArns);
        ArgumentNullException.ThrowIfNull(exportsBucket);
        ArgumentNullException.ThrowIfNull(exportTaskRoleArn);
        var replication = replicationRoleArn?.Apply(arn => (string?)arn) ?? Output.Create((string?)null);
        var users = Output.Tuple(Output.All(roleArns), exportsBucket, exportTaskRoleArn, replication)
            .Apply(t => (t.Item1, new StackKeyS3Use(t.Item2, t.Item3, t.Item4)));
        if (!_keyUsers.TrySetResult(users))
        {
            throw new InvalidOperationException("Secrets.AllowDecrypt: the key's users were already named; name all of them in one call");
        }
    }

    /// <summary>Fails the key's registration (instead of leaving it waiting) when the owner could not name its users.</summary>
    public void Abandon(Exception reason) => _keyUsers.TrySetException(reason);

    /// <summary>
    /// A SecureString with the stack's key. Giving an existing parameter a key id updates it in place (the provider's
    /// <c>key_id</c> is not ForceNew; the update is a PutParameter with Overwrite and the new KeyId, i.e. a new version
    /// encrypted with the new key); docs/aws.md ("Upgrading to the stack key") cites the provider source.
    /// </summary>
    private static Ssm.Parameter SecureParameter(
        string resourceName, string parameterName, Output<string> value, string description, Kms.Key key, DeploymentSpec spec, CustomResourceOptions child) =>
        new(resourceName, new Ssm.ParameterArgs
        {
            Name = parameterName,
            Type = "SecureString",
            KeyId = key.Arn,
            Value = value,
            Description = description,
            Tags = AwsTags.For(spec, resourceName),
        }, child);
}
