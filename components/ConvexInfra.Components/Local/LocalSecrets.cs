using System.Globalization;
using ConvexInfra.Core.AdminKeys;
using ConvexInfra.Core.Spec;
using Pulumi;
using Random = Pulumi.Random;

namespace ConvexInfra.Components.Local;

/// <summary>
/// The local stack's secrets, generated once and held in Pulumi state: the instance secret, the Postgres
/// password (with <c>database: postgres</c>) and the admin key derived from them. Every value is wrapped in
/// <see cref="Output.CreateSecret{T}(Output{T})"/>: the engine marks provider secret outputs on its own, but
/// mocks do not, and code, engine and tests must agree.
/// </summary>
internal sealed class LocalSecrets
{
    public Output<string> InstanceSecretHex { get; }

    /// <summary>Null with SQLite.</summary>
    public Output<string>? PostgresPassword { get; }

    public Output<string> AdminKey { get; }

    /// <summary>The localBackupBucket key pair, from config (never generated); null without a bucket.</summary>
    public (Output<string> AccessKeyId, Output<string> SecretAccessKey)? BucketKeys { get; }

    public LocalSecrets(string name, DeploymentSpec spec, long issuedAtUnixSeconds, Resource parent,
        (Output<string> AccessKeyId, Output<string> SecretAccessKey)? bucketKeys = null)
    {
        if (spec.Local?.Backups?.Bucket is not null)
        {
            var (id, secret) = bucketKeys ?? throw new ArgumentException(
                "convex-infra:localBackupBucket is set but its key pair was not passed in; set localBackupBucketAccessKeyId and " +
                "localBackupBucketSecretAccessKey as Pulumi secrets (pulumi config set --secret …).", nameof(bucketKeys));
            BucketKeys = (Output.CreateSecret(id), Output.CreateSecret(secret));
        }

        var options = new CustomResourceOptions { Parent = parent };
        var secretVersion = spec.Rotation.InstanceSecretVersion.ToString(CultureInfo.InvariantCulture);
        var keyVersion = spec.Rotation.AdminKeyVersion.ToString(CultureInfo.InvariantCulture);

        // Bumping instanceSecretVersion replaces the secret: every admin key and session issued under the
        // old one stops working (that is what rotation is for).
        var instanceSecret = new Random.RandomBytes($"{name}-instance-secret", new Random.RandomBytesArgs
        {
            Length = 32,
            Keepers = { { "instanceSecretVersion", secretVersion } },
        }, options);
        InstanceSecretHex = Output.CreateSecret(instanceSecret.Hex);

        // The admin key has a random nonce and an issue time; both live in state so the key is the same on
        // every run until either rotation counter changes.
        var keyKeepers = new Dictionary<string, string>
        {
            ["instanceSecretVersion"] = secretVersion,
            ["adminKeyVersion"] = keyVersion,
        };
        var nonce = new Random.RandomBytes($"{name}-admin-key-nonce", new Random.RandomBytesArgs
        {
            Length = 12,
            Keepers = keyKeepers,
        }, options);
        var issuedAt = checked((int)issuedAtUnixSeconds);
        var issueTime = new Random.RandomInteger($"{name}-admin-key-issued-at", new Random.RandomIntegerArgs
        {
            Min = issuedAt,
            Max = issuedAt,
            Keepers = keyKeepers,
        }, new CustomResourceOptions { Parent = parent, IgnoreChanges = ["min", "max"] });

        AdminKey = Output.CreateSecret(
            Output.Tuple(InstanceSecretHex, Output.CreateSecret(nonce.Hex), issueTime.Result).Apply(values =>
                AdminKeyIssuer.Issue(
                    spec.InstanceName,
                    InstanceSecret.Parse(values.Item1),
                    AdminKeyOptions.FromHex(values.Item2, values.Item3))));

        if (spec.Database.Engine == DatabaseEngine.Postgres)
        {
            // Letters and digits only: the password goes into POSTGRES_URL (percent-encoded anyway) and
            // into the container environment, where shell-special characters only cause trouble.
            var password = new Random.RandomPassword($"{name}-postgres-password", new Random.RandomPasswordArgs
            {
                Length = 32,
                Special = false,
            }, options);
            PostgresPassword = Output.CreateSecret(password.Result);
        }
    }
}
