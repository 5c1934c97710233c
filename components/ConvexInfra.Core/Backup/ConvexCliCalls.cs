using ConvexInfra.Core.Ops;

namespace ConvexInfra.Core.Backup;

/// <summary>
/// The <c>npx convex</c> calls of backup, restore and reset. The deployment is chosen only through the environment
/// (CONVEX_SELF_HOSTED_URL and CONVEX_SELF_HOSTED_ADMIN_KEY, the self-hosted pair the Convex CLI reads), never with
/// <c>--url</c>/<c>--admin-key</c>: a command line is visible in the process list and shell history.
/// Flags as in npm-packages/convex/src/cli/convexImport.ts and convexExport.ts (import: <c>--replace</c>,
/// <c>--replace-all</c>, <c>--append</c>, <c>-y/--yes</c>; export: <c>--path</c>, <c>--include-file-storage</c>).
/// </summary>
public static class ConvexCliCalls
{
    public static IReadOnlyList<string> Export(string zipPath) => ["convex", "export", "--include-file-storage", "--path", zipPath];

    /// <summary><c>--yes</c>: convex-infra asked already (or was told <c>--yes</c>); the import itself must not prompt.</summary>
    public static IReadOnlyList<string> Import(string zipPath, bool replaceAll) =>
        ["convex", "import", RestoreRules.ImportMode(replaceAll), "--yes", zipPath];

    public static IReadOnlyDictionary<string, string> Environment(string apiUrl, string adminKey) => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [ExportTask.UrlVariable] = apiUrl,
        [ExportTask.AdminKeyVariable] = adminKey,
    };
}
