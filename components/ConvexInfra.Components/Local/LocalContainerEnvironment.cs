using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Spec;
using Pulumi;

namespace ConvexInfra.Components.Local;

/// <summary>
/// Builds each container's <c>NAME=value</c> list: the plan's own variables plus, for the backend and the
/// dashboard, the environment every target shares (<see cref="ConvexEnvironment"/>). Secret entries are
/// resolved here from state and wrapped as secrets, which makes the whole list secret in state.
/// </summary>
internal static class LocalContainerEnvironment
{
    public static InputList<string> For(LocalContainer container, DeploymentSpec spec, LocalStackPlan plan, LocalSecrets secrets)
    {
        var plain = new List<LocalEnvVar>(container.PlainEnv);
        var secret = new List<(string Name, Output<string> Value)>();
        foreach (var variable in container.SecretEnv)
        {
            secret.Add((variable.Name, variable.Kind switch
            {
                LocalSecret.PostgresPassword => secrets.PostgresPassword
                    ?? throw new InvalidOperationException("the Postgres container needs a password, but none was generated"),
                LocalSecret.AdminKey => secrets.AdminKey,
                LocalSecret.BucketAccessKeyId => BucketKeys(secrets).AccessKeyId,
                LocalSecret.BucketSecretAccessKey => BucketKeys(secrets).SecretAccessKey,
                _ => throw new ArgumentOutOfRangeException(nameof(container), variable.Kind, "unknown local secret"),
            }));
        }

        switch (container.Role)
        {
            case LocalRole.Backend:
                var backend = ConvexEnvironment.Backend(spec, aws: null);
                plain.AddRange(backend.Plain.Select(v => new LocalEnvVar(v.Name, v.Value)));
                secret.AddRange(backend.Secrets.Select(v => (v.Name, Resolve(v.Kind, plan, secrets))));
                break;
            case LocalRole.Dashboard:
                plain.AddRange(ConvexEnvironment.Dashboard(spec).Select(v => new LocalEnvVar(v.Name, v.Value)));
                break;
        }

        var names = plain.Select(v => v.Name).Concat(secret.Select(s => s.Name)).ToList();
        var duplicate = names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"environment variable {duplicate.Key} of {container.Name} is set twice; each name may appear once.");
        }

        var entries = new InputList<string>();
        foreach (var entry in DockerEnv.Entries(plain))
        {
            entries.Add(entry);
        }

        foreach (var (name, value) in secret)
        {
            entries.Add(Output.CreateSecret(value.Apply(v => DockerEnv.Entry(name, v))));
        }

        return entries;
    }

    private static (Output<string> AccessKeyId, Output<string> SecretAccessKey) BucketKeys(LocalSecrets secrets) =>
        secrets.BucketKeys ?? throw new InvalidOperationException("the exporter uploads to localBackupBucket, but no key pair was passed in");

    private static Output<string> Resolve(SecretKind kind, LocalStackPlan plan, LocalSecrets secrets) => kind switch
    {
        SecretKind.InstanceSecret => secrets.InstanceSecretHex,
        SecretKind.PostgresUrl => plan.Postgres is { } postgres && secrets.PostgresPassword is { } password
            ? password.Apply(p => PostgresUrl.Build(postgres.User, p, postgres.Host, postgres.Port))
            : throw new InvalidOperationException(
                "ConvexEnvironment asked for POSTGRES_URL but the local stack runs SQLite (convex-infra:database: sqlite); no Postgres container exists."),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown secret kind"),
    };
}
