using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Local;

/// <summary>Which of the local containers a description is for.</summary>
public enum LocalRole
{
    Postgres,
    Backend,
    Dashboard,

    /// <summary>Scheduled exports into a host folder and/or a bucket (only with localBackupDir or localBackupBucket).</summary>
    Exporter,
}

/// <summary>Secrets the local containers need that are not part of the Convex backend environment.</summary>
public enum LocalSecret
{
    /// <summary>The password of the local Postgres superuser (POSTGRES_PASSWORD); the same one goes into POSTGRES_URL.</summary>
    PostgresPassword,

    /// <summary>The stack's admin key (CONVEX_SELF_HOSTED_ADMIN_KEY of the export container).</summary>
    AdminKey,

    /// <summary>localBackupBucketAccessKeyId (AWS_ACCESS_KEY_ID of the export container, with localBackupBucket).</summary>
    BucketAccessKeyId,

    /// <summary>localBackupBucketSecretAccessKey (AWS_SECRET_ACCESS_KEY of the export container, with localBackupBucket).</summary>
    BucketSecretAccessKey,
}

/// <summary>A published port. <see cref="HostIp"/> is always a loopback address: nothing is reachable from the network.</summary>
public sealed record PortBinding(string HostIp, int HostPort, int ContainerPort)
{
    /// <summary>Docker CLI / compose notation, e.g. <c>127.0.0.1:3210:3210</c>.</summary>
    public override string ToString() => $"{HostIp}:{HostPort}:{ContainerPort}";
}

/// <summary>A named Docker volume mounted into a container.</summary>
public sealed record VolumeMount(string VolumeName, string ContainerPath);

/// <summary>A host folder mounted into a container (read-write).</summary>
public sealed record BindMount(string HostPath, string ContainerPath)
{
    /// <summary>Docker CLI / compose notation, e.g. <c>/var/backups/convex:/backups</c>.</summary>
    public override string ToString() => $"{HostPath}:{ContainerPath}";
}

/// <summary>A named Docker volume that outlives containers, <c>pulumi up</c> re-runs and (by default) <c>pulumi destroy</c>.</summary>
public sealed record LocalVolume(string Name, string Purpose, IReadOnlyDictionary<string, string> Labels);

/// <summary>
/// A container health check in Docker's terms. <see cref="Test"/> uses the exec form
/// (<c>["CMD", program, args…]</c>) so no shell quoting is involved.
/// </summary>
public sealed record HealthCheck(
    IReadOnlyList<string> Test,
    int IntervalSeconds,
    int TimeoutSeconds,
    int StartPeriodSeconds,
    int Retries)
{
    /// <summary>
    /// Go duration text exactly as Go's <c>time.Duration.String()</c> prints it (<c>5s</c>, <c>1m0s</c>,
    /// <c>1h2m3s</c>): the Docker provider reads durations back from the daemon in that form, and any other
    /// spelling of the same value (<c>60s</c>) would show up as a change on every <c>pulumi up</c>.
    /// </summary>
    public static string Duration(int seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(seconds);
        var hours = seconds / 3600;
        var minutes = seconds % 3600 / 60;
        var rest = seconds % 60;
        return hours > 0 ? $"{hours}h{minutes}m{rest}s" : minutes > 0 ? $"{minutes}m{rest}s" : $"{rest}s";
    }
}

/// <summary>A plain environment variable of a local container.</summary>
public sealed record LocalEnvVar(string Name, string Value);

/// <summary>An environment variable whose value is a secret the Pulumi layer supplies (never rendered here).</summary>
public sealed record LocalSecretEnvVar(string Name, LocalSecret Kind);

/// <summary>
/// Everything about one container except the Convex backend/dashboard environment, which comes from
/// <c>ConvexEnvironment</c> so every target runs the backend with the same rules.
/// </summary>
public sealed record LocalContainer
{
    public required LocalRole Role { get; init; }
    public required string Name { get; init; }
    public required string Image { get; init; }
    public required IReadOnlyList<PortBinding> Ports { get; init; }
    public required IReadOnlyList<VolumeMount> Volumes { get; init; }

    /// <summary>Host folders mounted into the container; none for the Convex containers (their data lives in volumes).</summary>
    public IReadOnlyList<BindMount> Binds { get; init; } = [];

    /// <summary>The command instead of the image's own (exec form, no shell quoting); empty = the image's.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    public required HealthCheck HealthCheck { get; init; }

    /// <summary>Signal Docker sends on stop; the backend drains only on SIGINT (it declares no STOPSIGNAL).</summary>
    public required string StopSignal { get; init; }

    /// <summary>Seconds between the stop signal and SIGKILL, also used when Pulumi deletes the container.</summary>
    public required int StopGraceSeconds { get; init; }

    /// <summary>Seconds <c>pulumi up</c> waits for the container to report healthy before failing.</summary>
    public required int HealthyWaitSeconds { get; init; }

    public required string RestartPolicy { get; init; }

    /// <summary>Containers that must be healthy before this one is created.</summary>
    public required IReadOnlyList<LocalRole> DependsOnHealthy { get; init; }

    public required IReadOnlyList<LocalEnvVar> PlainEnv { get; init; }
    public required IReadOnlyList<LocalSecretEnvVar> SecretEnv { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }

    /// <summary>json-file log rotation so a long-running local stack cannot fill the disk.</summary>
    public required IReadOnlyDictionary<string, string> LogOptions { get; init; }
}

/// <summary>How the backend reaches the local Postgres container (on the private Docker network only).</summary>
public sealed record LocalPostgres(string Host, int Port, string User, string Database);

/// <summary>The whole local stack: one network, named volumes, and the containers in start order.</summary>
public sealed record LocalStackPlan
{
    public required string NetworkName { get; init; }
    public required IReadOnlyDictionary<string, string> Labels { get; init; }
    public required IReadOnlyList<LocalVolume> Volumes { get; init; }

    /// <summary>Containers in the order they must start (Postgres, backend, dashboard).</summary>
    public required IReadOnlyList<LocalContainer> Containers { get; init; }

    /// <summary>Null with SQLite.</summary>
    public LocalPostgres? Postgres { get; init; }

    public required DatabaseEngine Engine { get; init; }

    public LocalContainer Container(LocalRole role) =>
        Containers.SingleOrDefault(c => c.Role == role)
        ?? throw new InvalidOperationException($"The local plan has no {role} container (database: {Engine.ConfigName()}).");

    public LocalContainer Backend => Container(LocalRole.Backend);
    public LocalContainer Dashboard => Container(LocalRole.Dashboard);
}
