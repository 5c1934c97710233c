using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Aws;

/// <summary>
/// How hard the database resists deletion, decided once from the spec so the component and its tests read the
/// same decision (Pulumi's <c>protect</c> option is not visible to mocks).
/// </summary>
public sealed record DataSafety(bool Protect, bool DeletionProtection, bool FinalSnapshot, int BackupRetentionDays)
{
    public static DataSafety For(DeploymentSpec spec) => new(
        spec.Protection.ProtectData,
        spec.Protection.DeletionProtection,
        spec.Protection.FinalSnapshot,
        spec.Database.BackupRetentionDays);
}
