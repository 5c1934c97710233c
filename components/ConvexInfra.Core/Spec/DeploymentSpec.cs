namespace ConvexInfra.Core.Spec;

/// <summary>
/// Everything a stack asks for, typed, validated and with tier defaults applied. Built once from
/// <see cref="StackConfig"/> by the settings reader; every component and renderer reads only this.
/// </summary>
public sealed record DeploymentSpec
{
    public required string ProjectName { get; init; }
    public required string StackName { get; init; }
    public required DeploymentTarget Target { get; init; }
    public required Tier Tier { get; init; }

    /// <summary>Immutable for the life of a stack: it names the database and the S3 key prefix.</summary>
    public required string InstanceName { get; init; }

    /// <summary>One 40-character lowercase git SHA, used for both the backend and the dashboard image.</summary>
    public required string ImageRevision { get; init; }

    /// <summary>AWS region (from <c>aws:region</c>); null for the local target.</summary>
    public string? Region { get; init; }

    public required PublicEndpoints Endpoints { get; init; }
    public DnsSpec? Dns { get; init; }
    public required NetworkSpec Network { get; init; }
    public required DatabaseSpec Database { get; init; }
    public required ComputeSpec Compute { get; init; }
    public required ProtectionSpec Protection { get; init; }
    public required MonitoringSpec Monitoring { get; init; }
    public required BackendTuning Backend { get; init; }
    public required SecretRotation Rotation { get; init; }
    public LocalSpec? Local { get; init; }

    /// <summary>Rollout deadlines and the EC2 host's patch window (defaults: <see cref="RolloutSpec.Default"/>).</summary>
    public RolloutSpec Rollout { get; init; } = RolloutSpec.Default;

    /// <summary>Reserved settings for later features; type-checked, not yet acted on.</summary>
    public ExtensionSettings Extensions { get; init; } = ExtensionSettings.None;

    /// <summary>Backup copy and database restore settings as written (<see cref="Ops.BackupCopyPlan"/>, <see cref="Ops.DatabaseRestore"/>).</summary>
    public RecoverySettings Recovery { get; init; } = RecoverySettings.None;

    /// <summary>
    /// IAM policy (name in the stack's account, or full ARN) every role of the stack carries as its permissions boundary;
    /// null = no boundary. See <see cref="Aws.AwsArns.PermissionsBoundary"/>.
    /// </summary>
    public string? RolePermissionsBoundary { get; init; }

    /// <summary>
    /// IAM roles (name in the stack's account, or ARN) that deploy, preview or refresh the stack besides whoever runs
    /// pulumi: the stack key lets them, and the caller, use it through SSM (<see cref="Aws.KeyDeployers"/>).
    /// </summary>
    public IReadOnlyList<string> DeployRoles { get; init; } = [];

    /// <summary>Extra tags from config, merged over the standard ones (project, stack, tier, instance).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>The Postgres database the backend uses: the instance name with every '-' replaced by '_'.</summary>
    public string DatabaseName => InstanceName.Replace('-', '_');

    public string BackendImage => $"ghcr.io/get-convex/convex-backend:{ImageRevision}";
    public string DashboardImage => $"ghcr.io/get-convex/convex-dashboard:{ImageRevision}";
}

/// <summary>The three public origins. On AWS they are https URLs on three hostnames; locally, http on loopback ports.</summary>
public sealed record PublicEndpoints(
    string ApiHostname,
    string SiteHostname,
    string DashboardHostname,
    Uri ApiUrl,
    Uri SiteUrl,
    Uri DashboardUrl)
{
    /// <summary>Origin text without a trailing slash, as CONVEX_CLOUD_ORIGIN and friends need it.</summary>
    public static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    public string ApiOrigin => Origin(ApiUrl);
    public string SiteOrigin => Origin(SiteUrl);
    public string DashboardOrigin => Origin(DashboardUrl);
}

/// <summary>
/// Route 53 zone that receives the three records; without it the records to create are an output. The id is null
/// when the ConvexDeployment component was given an output of another resource (known at deployment time).
/// </summary>
public sealed record DnsSpec(string? HostedZoneId);

public sealed record NetworkSpec(
    string VpcCidr,
    int AvailabilityZoneCount,
    IReadOnlyList<string> HttpAllowedCidrs,
    IReadOnlyList<string> SshAllowedCidrs,
    IReadOnlyList<string> DashboardAllowedCidrs)
{
    /// <summary>An existing VPC to deploy into (nothing of the network is created); null = the stack creates its VPC.</summary>
    public ExistingNetworkSpec? Existing { get; init; }
}

/// <summary>
/// Bring your own network: the VPC and its subnets. A null id or list is an output of another resource, known only
/// at deployment time (the ConvexDeployment component checks it then).
/// </summary>
public sealed record ExistingNetworkSpec(string? VpcId, IReadOnlyList<string>? PublicSubnetIds, IReadOnlyList<string>? PrivateSubnetIds);

public sealed record DatabaseSpec(
    DatabaseEngine Engine,
    string EngineVersion,
    string InstanceClass,
    int AllocatedStorageGb,
    int MaxAllocatedStorageGb,
    bool MultiAz,
    int BackupRetentionDays);

/// <summary>Sizes of the machine that runs the backend and dashboard.</summary>
public sealed record ComputeSpec(
    string Ec2InstanceType,
    int RootVolumeGb,
    int FargateCpu,
    int FargateMemoryMb,
    int FargateEphemeralStorageGb,
    EcsSubnetPlacement EcsSubnets,
    string? AcmeEmail);

/// <summary>Data-safety switches; all on for staging and prod unless the stack says otherwise.</summary>
public sealed record ProtectionSpec(
    bool ProtectData,
    bool DeletionProtection,
    bool FinalSnapshot,
    bool RetainBucketsOnDelete);

public sealed record MonitoringSpec(string? AlarmEmail, int LogRetentionDays)
{
    /// <summary>Whether an existing SNS topic is notified too (<c>alarmTopicArn</c>).</summary>
    public bool HasAlarmTopic { get; init; }

    /// <summary>The topic's ARN; null when it is an output of another resource or not set.</summary>
    public string? AlarmTopicArn { get; init; }
}

/// <summary>Backend knobs that differ from the image defaults.</summary>
public sealed record BackendTuning(
    int DocumentRetentionDelaySeconds,
    string RustLog,
    bool DisableBeacon,
    bool RedactLogsToClient)
{
    /// <summary><c>backendTuning</c> over the tier and size defaults (<see cref="BackendKnobs"/>); every value other than the image's default is rendered.</summary>
    public BackendKnobValues Knobs { get; init; } = BackendKnobValues.Upstream;
}

/// <summary>
/// Explicit rotation counters: bumping one is the only way a stack's instance secret or admin key changes.
/// Rotating the instance secret revokes every admin key and session issued under it.
/// </summary>
public sealed record SecretRotation(int InstanceSecretVersion, int AdminKeyVersion);

/// <summary>Local Docker target settings; <paramref name="Backups"/> null = no scheduled exports.</summary>
public sealed record LocalSpec(int ApiPort, int SitePort, int DashboardPort, LocalBackupSpec? Backups = null);

/// <summary>
/// Scheduled exports of a local stack into a host folder, an S3-compatible bucket, or both (at least one is set), each
/// export and its deployment variables kept for <paramref name="RetentionDays"/>.
/// </summary>
public sealed record LocalBackupSpec(string? Folder, int IntervalHours, int RetentionDays, LocalBackupBucketSpec? Bucket = null)
{
    public const int DefaultIntervalHours = 24;
    public const int DefaultRetentionDays = 7;
}

/// <summary>
/// localBackupBucket: where the exporter uploads, through the S3 API of <paramref name="Endpoint"/> (no trailing slash).
/// <paramref name="Prefix"/> is empty or ends with '/'. The access key pair is never part of the spec: it is a pair of
/// Pulumi secrets (localBackupBucketAccessKeyId, localBackupBucketSecretAccessKey) the program hands to the container.
/// </summary>
public sealed record LocalBackupBucketSpec(string Endpoint, string Bucket, string Region, string Prefix, bool PathStyle)
{
    public const string DefaultRegion = "us-east-1";
}
