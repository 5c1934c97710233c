using Pulumi;

namespace ConvexInfra.Components;

/// <summary>
/// Inputs of <see cref="ConvexDeployment"/>: one property per stack setting (docs/spec.md), named like the setting
/// without its <c>convex-infra:</c> prefix (<c>region</c> is <c>aws:region</c>). Settings are plain values: they are
/// validated through Core's settings reader when the component is constructed, with the same tier defaults and the
/// same key-named errors, all at once, before any resource exists. Values that are typically outputs of other
/// resources (VPC and subnet ids, the hosted zone, an alarm topic, secret deployment variables) are
/// <c>Input</c>s: known values are checked at once, outputs as soon as they are known. Lists and maps (allowlists,
/// tags, deployment variables) are <c>Input</c>s too, as generated SDKs make them: their values are awaited before
/// the settings are read, so outputs of other resources are taken once known; one still unknown in a preview is
/// read as not given and shown unknown wherever it flows, with a warning (<see cref="PreviewUnknowns"/>), and is
/// validated in the update.
/// <para>
/// Every property, public or not, is an <c>[Input]</c>: Pulumi's deserializer sets non-public properties too
/// (PropertyValueSerializer.DeserializeObject, pulumi-dotnet v3.112.1 sdk/Pulumi/Core/PropertyValueSerializer.cs
/// line 24), so any other state here would be overwritten by a Construct.
/// </para>
/// </summary>
public sealed class ConvexDeploymentArgs : ResourceArgs
{
    // Identity
    [Input("target", required: true)] public string Target { get; set; } = "";
    [Input("tier")] public string? Tier { get; set; }
    [Input("instanceName", required: true)] public string InstanceName { get; set; } = "";
    [Input("imageRevision", required: true)] public string ImageRevision { get; set; } = "";

    /// <summary>AWS region; defaults to the <c>aws:region</c> config of the calling stack.</summary>
    [Input("region")] public string? Region { get; set; }

    // Domain and hostnames
    [Input("domain")] public string? Domain { get; set; }
    [Input("apiHostname")] public string? ApiHostname { get; set; }
    [Input("siteHostname")] public string? SiteHostname { get; set; }
    [Input("dashboardHostname")] public string? DashboardHostname { get; set; }
    [Input("hostedZoneId")] public Input<string>? HostedZoneId { get; set; }
    [Input("acmeEmail")] public string? AcmeEmail { get; set; }

    // Sizes
    [Input("instanceType")] public string? InstanceType { get; set; }
    [Input("rootVolumeGb")] public int? RootVolumeGb { get; set; }
    [Input("fargateCpu")] public int? FargateCpu { get; set; }
    [Input("fargateMemoryMb")] public int? FargateMemoryMb { get; set; }
    [Input("fargateEphemeralStorageGb")] public int? FargateEphemeralStorageGb { get; set; }
    [Input("ecsSubnets")] public string? EcsSubnets { get; set; }

    // Database
    [Input("database")] public string? Database { get; set; }
    [Input("dbInstanceClass")] public string? DbInstanceClass { get; set; }
    [Input("dbAllocatedStorageGb")] public int? DbAllocatedStorageGb { get; set; }
    [Input("dbMaxAllocatedStorageGb")] public int? DbMaxAllocatedStorageGb { get; set; }
    [Input("dbMultiAz")] public bool? DbMultiAz { get; set; }
    [Input("dbEngineVersion")] public string? DbEngineVersion { get; set; }
    [Input("backupRetentionDays")] public int? BackupRetentionDays { get; set; }

    // Network: created by the stack, or brought along (existingVpcId with its subnets)
    [Input("vpcCidr")] public string? VpcCidr { get; set; }
    [Input("availabilityZones")] public int? AvailabilityZones { get; set; }
    [Input("existingVpcId")] public Input<string>? ExistingVpcId { get; set; }
    [Input("publicSubnetIds")] public InputList<string>? PublicSubnetIds { get; set; }
    [Input("privateSubnetIds")] public InputList<string>? PrivateSubnetIds { get; set; }

    // Allowlists
    [Input("httpAllowedCidrs")] public InputList<string>? HttpAllowedCidrs { get; set; }
    [Input("sshAllowedCidrs")] public InputList<string>? SshAllowedCidrs { get; set; }
    [Input("dashboardAllowedCidrs")] public InputList<string>? DashboardAllowedCidrs { get; set; }

    // Alarms, logs, retention, backend tuning, data safety
    [Input("alarmEmail")] public string? AlarmEmail { get; set; }
    [Input("alarmTopicArn")] public Input<string>? AlarmTopicArn { get; set; }
    [Input("logRetentionDays")] public int? LogRetentionDays { get; set; }
    [Input("documentRetentionDelaySeconds")] public int? DocumentRetentionDelaySeconds { get; set; }

    /// <summary>Backend knobs by key (docs/tuning.md); numbers as values. Unknown keys and bad values fail with the key.</summary>
    [Input("backendTuning")] public InputMap<string>? BackendTuning { get; set; }
    [Input("rustLog")] public string? RustLog { get; set; }
    [Input("disableBeacon")] public bool? DisableBeacon { get; set; }
    [Input("redactLogsToClient")] public bool? RedactLogsToClient { get; set; }
    [Input("protectData")] public bool? ProtectData { get; set; }

    // Rotation counters
    [Input("instanceSecretVersion")] public int? InstanceSecretVersion { get; set; }
    [Input("adminKeyVersion")] public int? AdminKeyVersion { get; set; }

    // Local target
    [Input("localApiPort")] public int? LocalApiPort { get; set; }
    [Input("localSitePort")] public int? LocalSitePort { get; set; }
    [Input("localDashboardPort")] public int? LocalDashboardPort { get; set; }
    [Input("localBackupDir")] public string? LocalBackupDir { get; set; }
    [Input("localBackupIntervalHours")] public int? LocalBackupIntervalHours { get; set; }
    [Input("localBackupRetentionDays")] public int? LocalBackupRetentionDays { get; set; }

    /// <summary>endpoint, bucket, region, prefix, pathStyle, allowHttp (docs/local.md).</summary>
    [Input("localBackupBucket")] public InputMap<string>? LocalBackupBucket { get; set; }

    /// <summary>Secret; always treated as secret, whatever the caller passes.</summary>
    [Input("localBackupBucketAccessKeyId")] public Input<string>? LocalBackupBucketAccessKeyId { get; set; }

    /// <summary>Secret; always treated as secret, whatever the caller passes.</summary>
    [Input("localBackupBucketSecretAccessKey")] public Input<string>? LocalBackupBucketSecretAccessKey { get; set; }

    [Input("tags")] public InputMap<string>? Tags { get; set; }

    // Convex Auth, deployment environment, operations
    [Input("convexAuth")] public bool? ConvexAuth { get; set; }
    [Input("convexAuthSiteUrl")] public string? ConvexAuthSiteUrl { get; set; }
    [Input("convexAuthKeyVersion")] public int? ConvexAuthKeyVersion { get; set; }
    [Input("deploymentEnv")] public InputMap<string>? DeploymentEnv { get; set; }

    /// <summary>Secret deployment variables; always treated as secret, whatever the caller passes.</summary>
    [Input("deploymentEnvSecrets")] public InputMap<string>? DeploymentEnvSecrets { get; set; }
    [Input("deploymentEnvPrune")] public bool? DeploymentEnvPrune { get; set; }
    [Input("exportSchedule")] public string? ExportSchedule { get; set; }
    [Input("exportLockMode")] public string? ExportLockMode { get; set; }
    [Input("exportLockDays")] public int? ExportLockDays { get; set; }

    // Disaster recovery: the backup copy in another region or account, and a database restore (docs/dr.md)
    [Input("backupCopy")] public bool? BackupCopy { get; set; }
    [Input("backupCopyRegion")] public string? BackupCopyRegion { get; set; }
    [Input("backupCopyRoleArn")] public string? BackupCopyRoleArn { get; set; }
    [Input("backupCopyLockMode")] public string? BackupCopyLockMode { get; set; }
    [Input("backupCopyLockDays")] public int? BackupCopyLockDays { get; set; }
    [Input("dbRestoreTime")] public string? DbRestoreTime { get; set; }
    [Input("dbRestoreSnapshot")] public string? DbRestoreSnapshot { get; set; }
    [Input("allowRevisionDowngrade")] public bool? AllowRevisionDowngrade { get; set; }
    [Input("storageMigrationConfirmed")] public bool? StorageMigrationConfirmed { get; set; }

    // Rollouts: deadlines and the EC2 host's patch window
    [Input("hostReportTimeoutMinutes")] public int? HostReportTimeoutMinutes { get; set; }
    [Input("backendHealthTimeoutMinutes")] public int? BackendHealthTimeoutMinutes { get; set; }
    [Input("exportTimeoutMinutes")] public int? ExportTimeoutMinutes { get; set; }
    [Input("patchWindow")] public string? PatchWindow { get; set; }
    [Input("rolePermissionsBoundary")] public string? RolePermissionsBoundary { get; set; }
    [Input("deployRoles")] public InputList<string>? DeployRoles { get; set; }
}
