namespace ConvexInfra.Core.Containers;

/// <summary>
/// Names of the environment variables the Convex images read. Each one is a row of the Convex facts table
/// (Data/convex-facts.json, kind env) with its source at the pinned revision; a test fails for a name that is not.
/// </summary>
public static class ConvexEnvNames
{
    public const string InstanceName = "INSTANCE_NAME";
    public const string InstanceSecret = "INSTANCE_SECRET";
    public const string CloudOrigin = "CONVEX_CLOUD_ORIGIN";
    public const string SiteOrigin = "CONVEX_SITE_ORIGIN";
    public const string PostgresUrlVar = "POSTGRES_URL";
    public const string PgCaFile = "PG_CA_FILE";
    public const string DoNotRequireSsl = "DO_NOT_REQUIRE_SSL";
    public const string AwsRegion = "AWS_REGION";
    public const string ExportsBucket = "S3_STORAGE_EXPORTS_BUCKET";
    public const string SnapshotImportsBucket = "S3_STORAGE_SNAPSHOT_IMPORTS_BUCKET";
    public const string ModulesBucket = "S3_STORAGE_MODULES_BUCKET";
    public const string FilesBucket = "S3_STORAGE_FILES_BUCKET";
    public const string SearchBucket = "S3_STORAGE_SEARCH_BUCKET";
    public const string DisableBeacon = "DISABLE_BEACON";
    public const string RedactLogsToClient = "REDACT_LOGS_TO_CLIENT";
    public const string DisableMetricsEndpoint = "DISABLE_METRICS_ENDPOINT";
    public const string DocumentRetentionDelay = "DOCUMENT_RETENTION_DELAY";
    public const string RustLog = "RUST_LOG";
    public const string LogFormat = "LOG_FORMAT";
    public const string DashboardDeploymentUrl = "NEXT_PUBLIC_DEPLOYMENT_URL";
    public const string DashboardAdminKey = "NEXT_PUBLIC_ADMIN_KEY";

    /// <summary>The five bucket variables; the backend uses S3 only when all five and AWS_REGION are set.</summary>
    public static IReadOnlyList<string> S3Buckets { get; } =
        [ExportsBucket, SnapshotImportsBucket, ModulesBucket, FilesBucket, SearchBucket];
}
