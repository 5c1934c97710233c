namespace ConvexInfra.Core.Spec;

/// <summary>
/// The values a tier brings when the stack does not set a key. Dev is small and disposable; staging is
/// protected and mid-sized; prod is protected, Multi-AZ and keeps backups and logs longest.
/// docs/spec.md carries the same table for users.
/// </summary>
/// <remarks>
/// | key                      | dev          | staging      | prod          |
/// |--------------------------|--------------|--------------|---------------|
/// | instanceType             | t4g.micro    | t4g.medium   | t4g.medium    |
/// | rootVolumeGb             | 20           | 30           | 30            |
/// | fargateCpu/MemoryMb      | 1024/2048    | 1024/4096    | 2048/4096     |
/// | ecsSubnets               | public       | private      | private       |
/// | dbInstanceClass          | db.t4g.micro | db.t4g.small | db.t4g.medium |
/// | dbAllocatedStorageGb     | 20           | 50           | 100           |
/// | dbMaxAllocatedStorageGb  | 100          | 200          | 500           |
/// | dbMultiAz                | false        | false        | true          |
/// | backupRetentionDays      | 1            | 7            | 14            |
/// | protectData              | false        | true         | true          |
/// | logRetentionDays         | 7            | 30           | 90            |
/// | redactLogsToClient       | false        | false        | true          |
/// | patchWindow              | daily 04:00  | daily 04:00  | Sun 04:00     |
/// </remarks>
public sealed record TierDefaults(
    string Ec2InstanceType,
    int RootVolumeGb,
    int FargateCpu,
    int FargateMemoryMb,
    EcsSubnetPlacement EcsSubnets,
    string DbInstanceClass,
    int DbAllocatedStorageGb,
    int DbMaxAllocatedStorageGb,
    bool DbMultiAz,
    int BackupRetentionDays,
    bool ProtectData,
    int LogRetentionDays,
    bool RedactLogsToClient,
    PatchWindow PatchWindow)
{
    /// <summary>Settings that do not depend on the tier.</summary>
    public const int FargateEphemeralStorageGb = 21;
    public const string DbEngineVersion = "17";
    public const string VpcCidr = "10.0.0.0/16";
    public const int AvailabilityZones = 2;
    public const string HttpAllowedCidr = "0.0.0.0/0";

    /// <summary>The upstream compose file's value (2 days) rather than the code's 14 days at the pinned revision (fact env-document-retention-delay): old revisions fill Postgres (issue #235).</summary>
    public const int DocumentRetentionDelaySeconds = 172_800;
    public const string RustLog = "info";
    public const int LocalApiPort = 3210;
    public const int LocalSitePort = 3211;
    public const int LocalDashboardPort = 6791;

    /// <summary>The least backup retention a prod stack may have.</summary>
    public const int ProdMinimumBackupRetentionDays = 7;

    public static TierDefaults For(Tier tier) => tier switch
    {
        Tier.Dev => new("t4g.micro", 20, 1024, 2048, EcsSubnetPlacement.Public, "db.t4g.micro", 20, 100, false, 1, false, 7, false, PatchWindow.Daily(4, 0)),
        Tier.Staging => new("t4g.medium", 30, 1024, 4096, EcsSubnetPlacement.PrivateWithNat, "db.t4g.small", 50, 200, false, 7, true, 30, false, PatchWindow.Daily(4, 0)),
        Tier.Prod => new("t4g.medium", 30, 2048, 4096, EcsSubnetPlacement.PrivateWithNat, "db.t4g.medium", 100, 500, true, 14, true, 90, true, new PatchWindow("Sun", 4, 0)),
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown tier"),
    };
}
