using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>
/// The storage-mode part of the revision check. Image revisions whose run_backend.sh chose S3 only with static keys
/// (fact <c>storage-by-static-keys-revisions</c>) ran an AWS stack on role credentials with local storage, and the
/// database remembers that mode; a later revision selects S3 with the same settings and the backend refuses to start
/// (fact <c>error-storage-mode-changed</c>). So leaving such a revision is refused until the user confirms the
/// migration of docs/aws.md. The local target never had S3 settings, so it has no guard.
/// </summary>
/// <param name="StaticKeyRevisions">Revisions that chose storage by static keys; empty: no guard.</param>
/// <param name="MigrationConfirmed"><c>convex-infra:storageMigrationConfirmed</c>.</param>
public sealed record StorageModeGuard(IReadOnlySet<string> StaticKeyRevisions, bool MigrationConfirmed)
{
    public const string FactId = "storage-by-static-keys-revisions";

    public static StorageModeGuard None { get; } = new(new HashSet<string>(StringComparer.Ordinal), false);

    /// <summary>The guard for a stack: the facts table's revisions on aws-ec2 and aws-ecs, none on local.</summary>
    public static StorageModeGuard For(DeploymentSpec spec, ConvexFacts facts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(facts);
        return spec.Target.IsAws() ? new(Revisions(facts), spec.Extensions.StorageMigrationConfirmed) : None;
    }

    /// <summary>The fact's value: the revisions, comma-separated.</summary>
    public static IReadOnlySet<string> Revisions(ConvexFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        var value = facts.Get(FactId).Value ?? throw new InvalidOperationException($"fact '{FactId}' has no value");
        return value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The refusal for moving from <paramref name="history"/> to <paramref name="requested"/>, or null.</summary>
    public string? Refusal(IReadOnlyList<string> history, string requested)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (MigrationConfirmed || StaticKeyRevisions.Contains(requested))
        {
            return null;
        }

        var old = history.FirstOrDefault(StaticKeyRevisions.Contains);
        if (old is null)
        {
            return null;
        }

        var confirm = SettingKeys.StorageMigrationConfirmed.FullName;
        return $"{SettingKeys.ImageRevision.FullName}: got {requested}, but this stack ran {old}, whose image chose S3 storage only with static AWS keys; " +
            "with the stack's role credentials its backend kept files and exports on local disk (the host's or the task's) and its database recorded local storage, " +
            $"so {requested}, which selects S3 with the same settings, would refuse to start (\"Database was initialized with Local …, but backend started up with S3\"). " +
            "Expected: move the data first, as docs/aws.md \"Upgrading a stack from `4d3b0a5`: its files may be on the host's disk\" says: " +
            "while it still runs the old revision, npx convex export --include-file-storage, then a fresh stack and convex-infra restore --replace-all; " +
            $"then set {confirm}: true. Example: pulumi config set {confirm} true";
    }
}
