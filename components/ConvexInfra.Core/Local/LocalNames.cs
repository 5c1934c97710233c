using ConvexInfra.Core.Naming;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Local;

/// <summary>
/// Docker object names for a local stack. They are fixed (no random suffix) so that re-running
/// <c>pulumi up</c>, replacing a container or re-creating the stack after <c>pulumi destroy</c>
/// finds the same volumes, and so users can name them in <c>docker</c> commands.
/// </summary>
public static class LocalNames
{
    /// <summary><c>convex-{stack}-{instance}</c>, lowercase; valid as a Docker container, volume and network name.</summary>
    public static string Prefix(DeploymentSpec spec) => $"convex-{ResourceNames.ResourcePrefix(spec)}";

    public static string Network(DeploymentSpec spec) => $"{Prefix(spec)}-net";

    public static string Container(DeploymentSpec spec, LocalRole role) => $"{Prefix(spec)}-{RoleName(role)}";

    /// <summary>The backend's /convex/data: SQLite database, file storage, credentials copy, temp files.</summary>
    public static string BackendDataVolume(DeploymentSpec spec) => $"{Prefix(spec)}-data";

    /// <summary>The Postgres data directory (only with <c>database: postgres</c>).</summary>
    public static string PostgresDataVolume(DeploymentSpec spec) => $"{Prefix(spec)}-pgdata";

    public static string RoleName(LocalRole role) => role switch
    {
        LocalRole.Postgres => "postgres",
        LocalRole.Backend => "backend",
        LocalRole.Dashboard => "dashboard",
        LocalRole.Exporter => "exporter",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown local role"),
    };

    public const string StackLabel = "convex-infra.stack";
    public const string InstanceLabel = "convex-infra.instance";
    public const string ProjectLabel = "convex-infra.project";
    public const string RoleLabel = "convex-infra.role";

    /// <summary>Labels on every Docker object of the stack, so <c>docker volume ls --filter label=…</c> finds them.</summary>
    public static IReadOnlyDictionary<string, string> Labels(DeploymentSpec spec) =>
        new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [ProjectLabel] = spec.ProjectName,
            [StackLabel] = spec.StackName,
            [InstanceLabel] = spec.InstanceName,
            ["managed-by"] = "pulumi",
        };

    public static IReadOnlyDictionary<string, string> Labels(DeploymentSpec spec, LocalRole role)
    {
        var labels = new SortedDictionary<string, string>(Labels(spec).ToDictionary(), StringComparer.Ordinal)
        {
            [RoleLabel] = RoleName(role),
        };
        return labels;
    }
}
