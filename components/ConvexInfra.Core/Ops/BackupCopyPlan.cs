using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// The backup copy of a stack (issue 24, item 1), with the tier defaults applied: the exports bucket replicated by S3
/// into a locked, versioned bucket in <see cref="Region"/> (encrypted with its own KMS key there), and the RDS
/// automated backups replicated to the same region. Prod has it unless <c>backupCopy: false</c>; other tiers only
/// with <c>backupCopy: true</c>.
/// <para>
/// Another account: the program cannot create anything in an account its credentials do not reach, so with
/// <see cref="AccountRoleArn"/> it assumes that role (an AWS provider for the copy) to create the copy bucket and key
/// there; the replication role stays in the stack's account and the copy bucket's policy and key policy name it.
/// RDS replicates automated backups to another region of the same account only (StartDBInstanceAutomatedBackupsReplication
/// is called in the destination region of the source's account), so with another account the database copy stays in
/// the stack's account, in the copy region.
/// </para>
/// </summary>
public sealed record BackupCopyPlan(
    string SourceRegion,
    string Region,
    string? AccountRoleArn,
    ExportLock Lock,
    int RdsRetentionDays)
{
    /// <summary>The account id of <see cref="AccountRoleArn"/> (arn:…:iam::ACCOUNT:role/…), or null for the stack's own account.</summary>
    public string? AccountId => AccountRoleArn?.Split(':')[4];

    /// <summary>RDS automated backups are replicated only when RDS keeps any (retention above 0).</summary>
    public bool ReplicatesDatabaseBackups => RdsRetentionDays > 0;

    /// <summary>
    /// The copy region when <c>backupCopyRegion</c> is not set: a nearby region of the same geography (so data stays
    /// in the jurisdiction it was in). Regions not listed need the setting.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DefaultRegions { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["us-east-1"] = "us-west-2",
        ["us-east-2"] = "us-west-2",
        ["us-west-1"] = "us-east-1",
        ["us-west-2"] = "us-east-1",
        ["ca-central-1"] = "ca-west-1",
        ["eu-west-1"] = "eu-central-1",
        ["eu-west-2"] = "eu-west-1",
        ["eu-west-3"] = "eu-central-1",
        ["eu-central-1"] = "eu-west-1",
        ["eu-north-1"] = "eu-central-1",
        ["ap-southeast-1"] = "ap-southeast-2",
        ["ap-southeast-2"] = "ap-southeast-1",
        ["ap-northeast-1"] = "ap-northeast-3",
        ["ap-northeast-3"] = "ap-northeast-1",
        ["ap-south-1"] = "ap-south-2",
    };

    public static string? DefaultRegionFor(string region) => DefaultRegions.GetValueOrDefault(region);

    /// <summary>The plan for <paramref name="spec"/>, or null when the stack has no backup copy (off, or not on AWS).</summary>
    public static BackupCopyPlan? For(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var settings = spec.Recovery;
        if (!spec.Target.IsAws() || spec.Region is null || !(settings.BackupCopy ?? spec.Tier == Tier.Prod))
        {
            return null;
        }

        var region = settings.BackupCopyRegion ?? DefaultRegionFor(spec.Region)
            ?? throw new InvalidOperationException($"{SettingKeys.BackupCopyRegion.FullName}: the settings reader lets no backup copy through without a region");
        var backups = BackupPlan.For(spec);
        var mode = settings.BackupCopyLockMode ?? (spec.Tier == Tier.Prod ? ExportLockMode.Compliance : ExportLockMode.Governance);
        return new BackupCopyPlan(spec.Region, region, settings.BackupCopyRoleArn, new ExportLock(mode, settings.BackupCopyLockDays ?? backups.ExportRetentionDays), spec.Database.BackupRetentionDays);
    }
}
