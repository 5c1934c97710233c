namespace ConvexInfra.Core.Backup;

/// <summary>What restore and reset may do to which stack, decided from the stack outputs' tier and target.</summary>
public static class RestoreRules
{
    /// <summary>
    /// Null when restore may go on; otherwise why not. A prod-tier stack needs both <c>--replace-all</c> (the whole
    /// deployment becomes the export, nothing half-merged) and <c>--yes</c> (the decision is written down in the command).
    /// </summary>
    public static string? RestoreRefusal(string? tier, bool replaceAll, bool yes)
    {
        if (!string.Equals(tier, "prod", StringComparison.Ordinal) || (replaceAll && yes))
        {
            return null;
        }

        var missing = string.Join(" and ", new[] { replaceAll ? null : "--replace-all", yes ? null : "--yes" }.OfType<string>());
        return $"refusing to restore into a prod-tier stack without {missing}: on prod give both --replace-all and --yes, " +
            "after checking the export (a restore replaces live data)";
    }

    /// <summary>Null when reset may go on: only dev-tier stacks and the local target. Otherwise why not.</summary>
    public static string? ResetRefusal(string? tier, string? target)
    {
        if (string.Equals(target, "local", StringComparison.Ordinal) || string.Equals(tier, "dev", StringComparison.Ordinal))
        {
            return null;
        }

        var what = tier is null ? "a stack whose tier the outputs do not name" : $"a {tier}-tier stack";
        return $"refusing to reset {what}: reset is for dev-tier stacks and the local target only. " +
            "To replace the data of a staging or prod stack, take a backup first and use 'convex-infra restore --replace-all'.";
    }

    /// <summary>The <c>npx convex import</c> mode flag: <c>--replace</c> (tables in the export) or <c>--replace-all</c> (every table).</summary>
    public static string ImportMode(bool replaceAll) => replaceAll ? "--replace-all" : "--replace";
}
