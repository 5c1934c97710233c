namespace ConvexInfra.Core.Outputs;

/// <summary>
/// The output contract every stack exports, whatever its target, so app teams, CI and
/// <c>convex-infra env</c> read the same names from <c>pulumi stack output --json</c>.
/// </summary>
public static class StackOutputNames
{
    /// <summary>Public URL of the API (port 3210): CONVEX_SELF_HOSTED_URL, VITE_CONVEX_URL, NEXT_PUBLIC_CONVEX_URL.</summary>
    public const string ApiUrl = "apiUrl";

    /// <summary>Public URL of HTTP actions (CONVEX_SITE_ORIGIN).</summary>
    public const string SiteUrl = "siteUrl";

    /// <summary>Public URL of the self-hosted dashboard.</summary>
    public const string DashboardUrl = "dashboardUrl";

    /// <summary>The admin key (secret): CONVEX_SELF_HOSTED_ADMIN_KEY.</summary>
    public const string AdminKey = "adminKey";

    public const string InstanceName = "instanceName";
    public const string Target = "target";
    public const string Tier = "tier";
    public const string Stack = "stack";

    /// <summary>AWS region; empty string for the local target.</summary>
    public const string Region = "region";

    /// <summary>The pinned image revision (40-character git SHA) the stack runs.</summary>
    public const string ImageRevision = "imageRevision";

    /// <summary>Database host (RDS endpoint address, or the local container name); empty with SQLite.</summary>
    public const string DatabaseEndpoint = "databaseEndpoint";

    /// <summary>Object with the five bucket names: exports, snapshotImports, modules, files, search (AWS only).</summary>
    public const string Buckets = "buckets";

    /// <summary>List of {name, type, value} DNS records to create by hand when no Route 53 zone is configured.</summary>
    public const string DnsRecords = "dnsRecords";

    /// <summary>SSM parameter names holding the instance secret, POSTGRES_URL and the admin key (AWS only).</summary>
    public const string SecretParameters = "secretParameters";

    /// <summary>Names that must always be secret in outputs.</summary>
    public static IReadOnlySet<string> Secret { get; } = new HashSet<string>(StringComparer.Ordinal) { AdminKey };

    /// <summary>Names every target exports.</summary>
    public static IReadOnlyList<string> Required { get; } =
        [ApiUrl, SiteUrl, DashboardUrl, AdminKey, InstanceName, Target, Tier, Stack, Region, ImageRevision];
}
