using System.Globalization;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.DeploymentEnv;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Local;

/// <summary>
/// The exporter container of a local stack with <c>localBackupDir</c> and/or <c>localBackupBucket</c>: the export task's
/// pinned node image and Convex CLI (same lockfile, <see cref="ExportTask"/>), reaching the backend on the stack's Docker
/// network, writing each export and the deployment's variables (<see cref="ListVariablesScript"/>, JSON) into the host folder, uploading both to the bucket with
/// the shared aws-request.mjs, and keeping them <see cref="LocalBackupSpec.RetentionDays"/> days in each
/// (convex-local-exports.sh).
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

    /// <summary>Where the exporter writes when there is no host folder: inside the container, emptied after each upload.</summary>
    public const string StagingFolder = "/tmp/convex-exports";

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
            Binds = backups.Folder is { } folder ? [new BindMount(folder, ContainerFolder)] : [],
            Command = ["sh", "-c", Script()],
            // Healthy once the pinned CLI is installed (npm ci can take a minute on a cold cache).
            HealthCheck = new HealthCheck(["CMD", "test", "-f", ReadyFile], IntervalSeconds: 5, TimeoutSeconds: 5, StartPeriodSeconds: 120, Retries: 5),
            // An export stopped half-way leaves only a .partial file, which the next run ignores.
            StopSignal = "SIGTERM",
            StopGraceSeconds = 10,
            HealthyWaitSeconds = 300,
            RestartPolicy = LocalPlanner.RestartPolicy,
            DependsOnHealthy = [LocalRole.Backend],
            PlainEnv = [.. PlainEnv(spec, backups)],
            SecretEnv = backups.Bucket is null
                ? [new LocalSecretEnvVar(ExportTask.AdminKeyVariable, LocalSecret.AdminKey)]
                :
                [
                    new LocalSecretEnvVar(ExportTask.AdminKeyVariable, LocalSecret.AdminKey),
                    new LocalSecretEnvVar(AccessKeyIdVariable, LocalSecret.BucketAccessKeyId),
                    new LocalSecretEnvVar(SecretAccessKeyVariable, LocalSecret.BucketSecretAccessKey),
                ],
            Labels = LocalNames.Labels(spec, LocalRole.Exporter),
            LogOptions = LocalPlanner.LogRotation,
        };
    }

    /// <summary>The names aws-request.mjs reads its key pair from (the container's environment, never an argument).</summary>
    public const string AccessKeyIdVariable = "AWS_ACCESS_KEY_ID";

    public const string SecretAccessKeyVariable = "AWS_SECRET_ACCESS_KEY";

    private static IEnumerable<LocalEnvVar> PlainEnv(DeploymentSpec spec, LocalBackupSpec backups)
    {
        yield return new("CONVEX_CLI_VERSION", ExportTask.ConvexCliVersion);
        yield return new(ExportTask.UrlVariable, BackendUrl);
        yield return new(ExportTask.PackageJsonVariable, ExportTask.PackageJson());
        yield return new(ExportTask.PackageLockVariable, ExportTask.PackageLock());
        yield return new("NPM_CONFIG_IGNORE_SCRIPTS", "true");
        yield return new("NPM_CONFIG_UPDATE_NOTIFIER", "false");
        yield return new("BACKUP_DIR", backups.Folder is null ? StagingFolder : ContainerFolder);
        yield return new("BACKUP_KEEP", backups.Folder is null ? "false" : "true");
        yield return new("BACKUP_NAME", spec.StackName);
        yield return new("BACKUP_INTERVAL_SECONDS", (backups.IntervalHours * 3600).ToString(CultureInfo.InvariantCulture));
        yield return new("BACKUP_RETENTION_DAYS", backups.RetentionDays.ToString(CultureInfo.InvariantCulture));
        yield return new(ListVariablesScript.Variable, ListVariablesScript.Text);
        if (backups.Bucket is { } bucket)
        {
            yield return new("BACKUP_S3_ENDPOINT", bucket.Endpoint);
            yield return new("BACKUP_S3_BUCKET", bucket.Bucket);
            yield return new("BACKUP_S3_REGION", bucket.Region);
            yield return new("BACKUP_S3_PREFIX", bucket.Prefix);
            yield return new("BACKUP_S3_PATH_STYLE", bucket.PathStyle ? "true" : "false");
            yield return new(AwsRequestScript.Variable, AwsRequestScript.Text);
        }
    }
}
