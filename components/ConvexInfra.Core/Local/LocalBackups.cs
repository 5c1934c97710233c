using System.Globalization;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Local;

/// <summary>
/// The exporter container of a local stack with <c>localBackupDir</c>: the export task's pinned node image and Convex
/// CLI (same lockfile, <see cref="ExportTask"/>), reaching the backend on the stack's Docker network, writing into the
/// host folder and keeping each export <see cref="LocalBackupSpec.RetentionDays"/> days (convex-local-exports.sh).
/// </summary>
public static class LocalBackups
{
    public const string ContainerFolder = "/backups";

    /// <summary>The file the script touches once the pinned CLI is installed: the container's health.</summary>
    public const string ReadyFile = "/tmp/convex-cli-ready";

    private const string ResourceName = "ConvexInfra.Core.Local.convex-local-exports.sh";

    public static string Script()
    {
        using var stream = typeof(LocalBackups).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"embedded {ResourceName} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>The backend as the exporter reaches it: its role name is its alias on the stack network.</summary>
    public static string BackendUrl => $"http://{LocalNames.RoleName(LocalRole.Backend)}:{LocalPlanner.ApiContainerPort}";

    public static LocalContainer Container(DeploymentSpec spec, LocalBackupSpec backups)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(backups);
        return new LocalContainer
        {
            Role = LocalRole.Exporter,
            Name = LocalNames.Container(spec, LocalRole.Exporter),
            Image = ExportTask.NodeImage,
            Ports = [],
            Volumes = [],
            Binds = [new BindMount(backups.Folder, ContainerFolder)],
            Command = ["sh", "-c", Script()],
            // Healthy once the pinned CLI is installed (npm ci can take a minute on a cold cache).
            HealthCheck = new HealthCheck(["CMD", "test", "-f", ReadyFile], IntervalSeconds: 5, TimeoutSeconds: 5, StartPeriodSeconds: 120, Retries: 5),
            // An export stopped half-way leaves only a .partial file, which the next run ignores.
            StopSignal = "SIGTERM",
            StopGraceSeconds = 10,
            HealthyWaitSeconds = 300,
            RestartPolicy = LocalPlanner.RestartPolicy,
            DependsOnHealthy = [LocalRole.Backend],
            PlainEnv =
            [
                new("CONVEX_CLI_VERSION", ExportTask.ConvexCliVersion),
                new(ExportTask.UrlVariable, BackendUrl),
                new(ExportTask.PackageJsonVariable, ExportTask.PackageJson()),
                new(ExportTask.PackageLockVariable, ExportTask.PackageLock()),
                new("NPM_CONFIG_IGNORE_SCRIPTS", "true"),
                new("NPM_CONFIG_UPDATE_NOTIFIER", "false"),
                new("BACKUP_DIR", ContainerFolder),
                new("BACKUP_NAME", spec.StackName),
                new("BACKUP_INTERVAL_SECONDS", (backups.IntervalHours * 3600).ToString(CultureInfo.InvariantCulture)),
                new("BACKUP_RETENTION_DAYS", backups.RetentionDays.ToString(CultureInfo.InvariantCulture)),
            ],
            SecretEnv = [new LocalSecretEnvVar(ExportTask.AdminKeyVariable, LocalSecret.AdminKey)],
            Labels = LocalNames.Labels(spec, LocalRole.Exporter),
            LogOptions = LocalPlanner.LogRotation,
        };
    }
}
