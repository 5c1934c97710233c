namespace ConvexInfra.Core.Spec;

/// <summary>
/// Settings reserved for later features (Convex Auth, deployment environment variables, scheduled exports,
/// revision downgrades). The reader checks their types now so that a stack written today stays valid.
/// </summary>
public sealed record ExtensionSettings
{
    public bool ConvexAuth { get; init; }
    public Uri? ConvexAuthSiteUrl { get; init; }

    /// <summary>Rotation counter of the Convex Auth signing key; a new value means a new key and signs every user out.</summary>
    public int ConvexAuthKeyVersion { get; init; }

    /// <summary>Plain environment variables of the Convex deployment (name → value).</summary>
    public IReadOnlyDictionary<string, string> DeploymentEnv { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether <c>deploymentEnvSecrets</c> is set; its values stay with Pulumi and never reach Core.</summary>
    public bool HasDeploymentEnvSecrets { get; init; }

    public bool DeploymentEnvPrune { get; init; }

    /// <summary>An EventBridge <c>cron(...)</c> or <c>rate(...)</c> expression, or null for no scheduled export.</summary>
    public string? ExportSchedule { get; init; }

    /// <summary>exportLockMode as written, or null for the tier's default (<see cref="Ops.BackupPlan"/> decides).</summary>
    public Ops.ExportLockMode? ExportLockMode { get; init; }

    /// <summary>exportLockDays as written, or null for the tier's default.</summary>
    public int? ExportLockDays { get; init; }

    public bool AllowRevisionDowngrade { get; init; }

    /// <summary>storageMigrationConfirmed: the files of a stack that ran a static-key revision were moved (<see cref="Ops.StorageModeGuard"/>).</summary>
    public bool StorageMigrationConfirmed { get; init; }

    public static ExtensionSettings None { get; } = new();
}
