using System.Text.Json;
using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Ops;

/// <summary>The outcome of checking a requested image revision against the revisions the stack already ran.</summary>
public sealed record RevisionDecision(bool Allowed, bool IsDowngrade, bool IsChange, IReadOnlyList<string> NextHistory, string Message);

/// <summary>
/// Convex migrations are forward-only: a backend started on an older image than the database's schema only logs a
/// warning and carries on. So going back to a revision the stack already ran before its current one is refused
/// unless <c>convex-infra:allowRevisionDowngrade</c> is true. The history is the ordered list of revisions the stack
/// deployed (oldest first), kept by the Pulumi layer in an SSM parameter; pure functions here.
/// </summary>
public static class RevisionHistory
{
    /// <summary>Enough for years of releases and well inside a 4 KB standard SSM parameter (43 bytes per entry).</summary>
    public const int MaxEntries = 60;

    /// <summary>The plain SSM parameter holding the history, e.g. <c>/convex-infra/prod/revision-history</c>.</summary>
    public static string ParameterName(DeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return $"{ResourceNames.ParameterPrefix(spec)}/revision-history";
    }

    public static RevisionDecision Decide(IReadOnlyList<string> history, string requested, bool allowDowngrade) =>
        Decide(history, requested, allowDowngrade, StorageModeGuard.None);

    /// <summary>
    /// The check <c>pulumi up</c> runs for a stack: its requested revision against <paramref name="history"/>, with the
    /// storage-mode guard of its target. <c>plan</c> and <c>releases --set</c> run this same function offline, with the
    /// revision the stack runs now as the history.
    /// </summary>
    public static RevisionDecision DecideFor(DeploymentSpec spec, IReadOnlyList<string> history, Facts.ConvexFacts facts)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return Decide(history, spec.ImageRevision, spec.Extensions.AllowRevisionDowngrade, StorageModeGuard.For(spec, facts));
    }

    /// <summary>As above, and refused first when <paramref name="storage"/> says the stack's files are still on local disk.</summary>
    public static RevisionDecision Decide(IReadOnlyList<string> history, string requested, bool allowDowngrade, StorageModeGuard storage)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(storage);
        if (history.Count == 0)
        {
            return new(true, false, true, [requested], $"First recorded revision {requested}.");
        }

        if (storage.Refusal(history, requested) is { } refusal)
        {
            return new(false, false, history[^1] != requested, history, refusal);
        }

        var current = history[^1];
        if (current == requested)
        {
            return new(true, false, false, history, $"Revision {requested} is already the current one.");
        }

        var next = Append(history, requested);
        var earlier = history.Take(history.Count - 1).Contains(requested, StringComparer.Ordinal);
        if (!earlier)
        {
            return new(true, false, true, next, $"Upgrade from {current} to {requested}; take an export first (the scheduled export task can run once on demand).");
        }

        if (allowDowngrade)
        {
            return new(true, true, true, next,
                $"Going back from {current} to {requested}, which this stack ran before; allowed by {SettingKeys.AllowRevisionDowngrade.FullName}=true. " +
                "The database keeps the newer schema; restore an export taken under the older revision if the backend misbehaves.");
        }

        return new(false, true, true, history,
            $"{SettingKeys.ImageRevision.FullName}: got {requested}, which this stack ran before {current}; expected a revision the stack has not run yet, " +
            "because Convex migrations are forward-only and an older backend on a newer schema is unsupported. " +
            $"To roll back, restore an export into a fresh stack (docs/ops.md, \"Rollback by restore\"), or set {SettingKeys.AllowRevisionDowngrade.FullName}: true " +
            $"if you know the schema did not change. Example: pulumi config set {SettingKeys.AllowRevisionDowngrade.FullName} true");
    }

    /// <summary>Reads the stored history (a JSON array of revisions); null or empty text means no history yet.</summary>
    public static IReadOnlyList<string> Parse(string? stored)
    {
        if (string.IsNullOrWhiteSpace(stored))
        {
            return [];
        }

        string[]? revisions;
        try
        {
            revisions = JsonSerializer.Deserialize<string[]>(stored);
        }
        catch (JsonException e)
        {
            throw new FormatException(
                $"revision history: got text that is not a JSON array of strings ({e.Message}); expected e.g. [\"652b828b5129e6cdbcaa3c20efa8d116d09ff3bf\"]", e);
        }

        if (revisions is null || revisions.Any(string.IsNullOrWhiteSpace))
        {
            throw new FormatException("revision history: got a null or blank entry; expected e.g. [\"652b828b5129e6cdbcaa3c20efa8d116d09ff3bf\"]");
        }

        return revisions;
    }

    public static string Serialize(IReadOnlyList<string> history) => JsonSerializer.Serialize(history);

    private static List<string> Append(IReadOnlyList<string> history, string requested)
    {
        var next = history.Append(requested).ToList();
        return next.Count <= MaxEntries ? next : next.Skip(next.Count - MaxEntries).ToList();
    }
}
