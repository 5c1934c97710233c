using System.Text.RegularExpressions;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Facts;

/// <summary>The repository's files the fact scans read, relative to the root.</summary>
internal static class RepoFiles
{
    public static readonly string Root = RepoRootFinder.Find();

    /// <summary>C# and shell sources of the product (components, CLI, program, provider).</summary>
    public static IReadOnlyList<string> ProductSources() => Under(["components", "infra", "provider"], "*.cs", "*.sh");

    /// <summary>Test sources, without the fact checks themselves (their literals are patterns and counter-examples).</summary>
    public static IReadOnlyList<string> TestSources() =>
        Under(["tests"], "*.cs").Where(path => !path.StartsWith("tests/ConvexInfra.Core.Tests/Facts/", StringComparison.Ordinal)).ToList();

    /// <summary>README.md and every markdown file under docs/, examples/ and components/.</summary>
    public static IReadOnlyList<string> Docs() => [.. Under(["docs", "examples", "components"], "*.md"), "README.md"];

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static List<string> Under(string[] folders, params string[] patterns) =>
        folders.SelectMany(folder => patterns.SelectMany(pattern => Directory.EnumerateFiles(Path.Combine(Root, folder), pattern, SearchOption.AllDirectories)))
            .Select(path => Path.GetRelativePath(Root, path).Replace('\\', '/'))
            .Where(path => !path.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
}

/// <summary>Backend paths in text, and whether the facts table cites them.</summary>
internal static partial class FactPaths
{
    public static IEnumerable<(string File, string Path)> InSources(IEnumerable<string> files) =>
        files.SelectMany(file => Find(RepoFiles.Read(file)).Select(path => (file, path)));

    public static IEnumerable<string> Find(string text) => PathPattern().Matches(text).Select(m => m.Value.TrimEnd('.', '/'));

    /// <summary>A cited path, an instance of a cited template (<c>{client_version}</c>), or below the cited /http prefix.</summary>
    public static bool IsCited(ConvexFacts table, string path)
    {
        path = path.Split('?')[0];
        foreach (var cited in table.Names("path"))
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(cited), @"\\\{[a-z_]+}", "[^/]+") + "$";
            if (path == cited || Regex.IsMatch(path, pattern) || (cited == "/http" && path.StartsWith("/http/", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    // A backend path: /api/..., /version, /instance_name, /instance_version, /metrics or /http, not part of a longer
    // word or of a "--version" flag, a "//" URL scheme or a file path like /usr/bin/version.
    [GeneratedRegex(@"(?<![-/A-Za-z_])/(api(/([A-Za-z0-9_.{}]+|<[a-z_ ]+>))+|version|instance_name|instance_version|metrics|http)(?![A-Za-z0-9_-])")]
    private static partial Regex PathPattern();
}

/// <summary>Names that look like Convex's variables, and the names of this project that merely look so.</summary>
internal static partial class FactNames
{
    /// <summary>This project's own variables (CLI, host scripts, workflows, outputs) and regex fragments: not Convex's.</summary>
    public static readonly IReadOnlySet<string> Own = new HashSet<string>(StringComparer.Ordinal)
    {
        "CONVEX_STACKS", "CONVEX_PREVIEW_STACKS", "CONVEX_DRILL_STACKS", "CONVEX_ROOT", "CONVEX_REGION", "CONVEX_INSTANCE_NAME", "CONVEX_DASHBOARD_URL", "CONVEX_CLI_VERSION",
        "CONVEX_RDS_CA_URL", "CONVEX_HEALTH_POLL_SECONDS", "CONVEX_RELEASE_PARAMETER", "CONVEX_RELEASE_REEXEC",
        "CONVEX_STATUS_PARAMETER", "CONVEX_METRIC_NAMESPACE", "CONVEX_METRIC_STACK", // host.env fallbacks of convex-release
        "CONVEX_INFRA_UPDATE_DOCS", "CONVEX_INFRA_API_URL", "CONVEX_INFRA_GITHUB_API_URL", "CONVEX_INFRA_ADMIN_KEY", "CONVEX_INFRA_TOOL_DIR",
        "CONVEX_DEPLOY", // the regex fragment CONVEX_DEPLOY(MENT|_KEY) in a test
        "CONVEX_APP_PATH", "CONVEX_APP_REPOSITORY", "CONVEX_APP_REF", "CONVEX_APP_TOKEN", "CONVEX_EXPECT_FUNCTION", // deploy workflow variables (docs/cicd.md)
        "CONVEX_INFRA_SIM_BASE", // the workflow simulator's base-commit switch
        "CONVEX_IMAGES_PARAMETER", "CONVEX_RELEASE_POLL_SECONDS", "CONVEX_BOOTSTRAP_WAIT_SECONDS", // convex-bootstrap
        "CONVEX_INFRA_BENCH", "CONVEX_BENCH_START_SECONDS", "CONVEX_BENCH_OUTPUT", // scripts/bench-switch.sh
        "CONVEX_SIM_OUTPUT", // scripts/simulate-deploy.sh
        "CONVEX_INFRA_DB_HOST_PARAMETER", "CONVEX_INFRA_DB_PORT", "CONVEX_INFRA_DB_CREDENTIALS", // the ECS backend entrypoint's wait for the RDS address
        "CONVEX_INFRA_AWS_REQUEST", // carries aws-request.mjs into a container (AwsRequestScript.Variable)
        "CONVEX_INFRA_LIST_VARIABLES", // carries the variables lister into the local exporter (ListVariablesScript.Variable)
    };

    public static IEnumerable<string> Find(string text) =>
        Token().Matches(text).Select(m => m.Value).Where(name => ConvexLooking().IsMatch(name));

    [GeneratedRegex(@"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*[A-Z0-9]\b|\bJWKS\b")]
    private static partial Regex Token();

    [GeneratedRegex(@"^(CONVEX_\w+|NEXT_PUBLIC_\w+|VITE_CONVEX_URL|S3_STORAGE_\w+|AWS_S3_\w+|S3_ENDPOINT_URL|INSTANCE_(NAME|SECRET)|(POSTGRES|MYSQL|DATABASE)_URL|PG_CA_FILE|DO_NOT_\w+|DISABLE_\w+|REDACT_\w+|DOCUMENT_RETENTION\w*|INDEX_RETENTION\w*|RUST_\w+|LOG_FORMAT|APPLICATION_MAX_\w+|HTTP_SERVER_\w+|MAX_PUSH_BYTES|JWT_PRIVATE_KEY|JWKS|SITE_URL|AWS_REGION|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)$")]
    private static partial Regex ConvexLooking();
}

/// <summary>
/// Ports written as an address (<c>127.0.0.1:3210</c>, <c>localhost:6791</c>, a Docker mapping's container side
/// <c>127.0.0.1:13210:3210</c>) or as "port 3211": a Convex port is one the table cites; the others are this
/// project's or the user's own, each listed with why.
/// </summary>
internal static partial class FactPorts
{
    /// <summary>Ports that are not Convex's: where they come from.</summary>
    public static readonly IReadOnlyDictionary<int, string> Own = new Dictionary<int, string>
    {
        [22] = "SSH to the EC2 host",
        [80] = "HTTP on the host and the load balancer (redirects to HTTPS)",
        [443] = "HTTPS on the host and the load balancer",
        [5432] = "PostgreSQL (RDS, the local Postgres container)",
        [5173] = "the user's Vite dev server (convexAuthSiteUrl examples)",
        [13210] = "a host port a local stack maps onto 3210 (tests)",
        [4000] = "a local stack's site origin override (tests)",
        [4211] = "a local stack's site origin override (tests)",
        [9464] = "the metrics relay on the EC2 host's loopback and in the ECS task, which the CloudWatch agent scrapes (docs/ops.md)",
        [3290] = "the restore drill's throwaway backend API port on loopback (--drill-ports)",
        [3291] = "the restore drill's throwaway backend site port on loopback (--drill-ports)",
    };

    public static IEnumerable<int> Find(string text) =>
        Pattern().Matches(text).Select(m => int.Parse(m.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture));

    // host:port or host:hostPort:containerPort (the last number is the one the process listens on), or "port N".
    [GeneratedRegex(@"(?:(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]|host\.docker\.internal)(?::\d{2,5})?:(?<port>\d{2,5})\b)|(?:\b[Pp]ort `?(?<port>\d{2,5})\b)")]
    private static partial Regex Pattern();
}

/// <summary>
/// <c>npx convex</c> command lines: the command and every flag written after it (up to the end of the code span,
/// table cell, line, shell comment or a comma). A command is cited by a fact named <c>npx convex COMMAND</c>; a flag by one
/// named <c>npx convex COMMAND --flag</c>, or <c>npx convex --flag</c> for the deployment-selection options every
/// deployment command takes.
/// </summary>
internal static partial class FactCli
{
    public static IEnumerable<(string Command, IReadOnlyList<string> Flags)> Find(string text) =>
        Pattern().Matches(text).Select(m => (m.Groups["command"].Value,
            (IReadOnlyList<string>)Flag().Matches(m.Groups["rest"].Value).Select(f => f.Groups[1].Value).ToList()));

    public static bool IsCited(IReadOnlySet<string> names, string command, string? flag = null) =>
        flag is null
            ? names.Contains($"npx convex {command}")
            : names.Contains($"npx convex {command} {flag}") || names.Contains($"npx convex {flag}")
              || names.Any(n => n.StartsWith($"npx convex {command} ", StringComparison.Ordinal) && n.Split(' ', ',').Contains(flag));

    [GeneratedRegex(@"npx convex (?<command>[a-z][a-z-]*)(?<rest>[^`|\n#;,]*)")]
    private static partial Regex Pattern();

    [GeneratedRegex(@"(?<![\w-])(--?[a-z][a-z-]*)")]
    private static partial Regex Flag();
}
