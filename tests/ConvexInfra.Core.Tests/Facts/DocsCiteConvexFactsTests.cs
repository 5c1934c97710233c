using System.Text.RegularExpressions;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Planning;

namespace ConvexInfra.Core.Tests.Facts;

/// <summary>
/// No doc, test or source states a Convex fact the facts table does not cite: every Convex-looking variable name,
/// every backend path, and every figure of a backend limit (those are marked <c>&lt;!--plan:fact:ID--&gt;</c> and
/// rendered from the table by <see cref="DocFigures"/>; unmarked limit figures fail).
/// </summary>
public sealed partial class DocsCiteConvexFactsTests
{
    private static readonly ConvexFacts Table = ConvexFacts.Embedded();

    /// <summary>Doc → the table's figures it must carry, marked.</summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["docs/render.md"] = ["fact:limit-http-request-timeout", "fact:limit-push-bytes", "fact:limit-site-proxy-concurrency", "ec2-upgrade-downtime"],
        ["docs/ecs.md"] = ["fact:limit-http-request-timeout", "fact:limit-site-proxy-timeout", "fact:limit-site-proxy-concurrency", "fact:limit-api-concurrency"],
        ["docs/auth.md"] = ["fact:limit-env-var-name-length", "fact:limit-env-var-value-bytes", "fact:limit-env-var-count", "fact:limit-env-var-total-bytes"],
        ["docs/aws.md"] = ["ec2-upgrade-downtime"],
        ["README.md"] = ["ec2-upgrade-downtime"],
    };

    public static TheoryData<string> Docs() => new(RepoFiles.Docs());

    public static TheoryData<string> RequiredDocs() => new(Required.Keys);

    [Theory]
    [MemberData(nameof(Docs))]
    public void Every_convex_variable_a_doc_names_is_cited(string doc) => AssertNamesCited([doc]);

    [Fact]
    public void Every_convex_variable_a_test_or_source_names_is_cited() =>
        AssertNamesCited([.. RepoFiles.TestSources(), .. RepoFiles.ProductSources()]);

    [Theory]
    [MemberData(nameof(Docs))]
    public void Every_backend_path_a_doc_names_is_cited(string doc)
    {
        var strays = FactPaths.InSources([doc]).Where(hit => !FactPaths.IsCited(Table, hit.Path)).Select(hit => hit.Path).Distinct().ToList();
        Assert.True(strays.Count == 0, $"{doc} names backend paths convex-facts.json does not cite: {string.Join(", ", strays)}");
    }

    [Fact]
    public void Every_backend_path_a_test_names_is_cited()
    {
        var strays = FactPaths.InSources(RepoFiles.TestSources()).Where(hit => !FactPaths.IsCited(Table, hit.Path))
            .Select(hit => $"{hit.File}: {hit.Path}").Distinct().ToList();
        Assert.True(strays.Count == 0, "tests name backend paths convex-facts.json does not cite: " + string.Join(", ", strays));
    }

    [Fact]
    public void Every_port_a_doc_or_test_names_is_cited_or_the_projects_own()
    {
        var cited = Table.Facts.Where(f => f.Kind == "port").Select(f => int.Parse(f.Value!, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
        var strays = RepoFiles.Docs().Concat(RepoFiles.TestSources())
            .SelectMany(file => FactPorts.Find(RepoFiles.Read(file)).Select(port => (file, port)))
            .Where(hit => !cited.Contains(hit.port) && !FactPorts.Own.ContainsKey(hit.port))
            .Select(hit => $"{hit.file}: {hit.port}").Distinct().ToList();

        Assert.Equal([3210, 3211, 6791], cited.Order());
        Assert.True(strays.Count == 0, "ports that are neither a convex-facts.json port nor listed in FactPorts.Own: " + string.Join(", ", strays));
    }

    [Fact]
    public void Every_convex_cli_command_and_flag_a_doc_or_test_writes_is_cited()
    {
        var names = Table.Facts.Where(f => f.Kind is "cli-command" or "cli-flag").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var strays = RepoFiles.Docs().Concat(RepoFiles.TestSources())
            .SelectMany(file => FactCli.Find(RepoFiles.Read(file)).SelectMany(line =>
                new[] { FactCli.IsCited(names, line.Command) ? null : $"{file}: npx convex {line.Command}" }
                    .Concat(line.Flags.Select(flag => FactCli.IsCited(names, line.Command, flag) ? null : $"{file}: npx convex {line.Command} … {flag}"))))
            .OfType<string>().Distinct().ToList();

        Assert.True(strays.Count == 0, "npx convex commands or flags convex-facts.json does not cite: " + string.Join(", ", strays));
    }

    [Fact]
    public void The_cli_scan_reads_the_command_and_its_flags()
    {
        var lines = FactCli.Find("`npx convex export --prod --include-file-storage --path cloud.zip   # drop --prod`, npx convex env list | x").ToList();

        Assert.Equal(["export", "env"], lines.Select(l => l.Command));
        Assert.Equal(["--prod", "--include-file-storage", "--path"], lines[0].Flags);
        var names = Table.Facts.Where(f => f.Kind is "cli-command" or "cli-flag").Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        Assert.True(FactCli.IsCited(names, "import", "-y"));
        Assert.False(FactCli.IsCited(names, "deploy", "--yes"));
        Assert.False(FactCli.IsCited(names, "run"));
    }

    [Fact]
    public void The_port_scan_sees_listening_ports_and_the_container_side_of_a_mapping()
    {
        Assert.Equal([3210, 3210, 6791, 3211, 5173], FactPorts.Find("http://127.0.0.1:3210, 127.0.0.1:13210:3210, localhost:6791, port 3211, http://localhost:5173/"));
        Assert.Empty(FactPorts.Find("version 1.29.0, 3210 alone, 10.0.0.1:443"));
    }

    [Theory]
    [MemberData(nameof(RequiredDocs))]
    public void Docs_that_quote_a_backend_limit_mark_it(string doc)
    {
        var keys = DocFigures.Keys(RepoFiles.Read(doc));
        Assert.All(Required[doc], key => Assert.Contains(key, keys));
    }

    [Theory]
    [MemberData(nameof(Docs))]
    public void No_doc_states_a_backend_limit_unmarked(string doc)
    {
        var text = DocFigures.WithoutMarked(RepoFiles.Read(doc));
        var strays = UnmarkedLimit().Matches(text).Select(m => m.Value).ToList();
        Assert.True(strays.Count == 0, $"{doc} states backend limits without the table's marker (<!--plan:fact:ID-->…<!--/plan-->): {string.Join(" | ", strays)}");
    }

    [Fact]
    public void The_unmarked_limit_check_catches_the_old_wording()
    {
        Assert.Matches(UnmarkedLimit(), "Proxy timeouts are 330 s (the backend itself cuts requests at 300 s)");
        Assert.Matches(UnmarkedLimit(), "with 3210's limit of 128 requests");
        Assert.Matches(UnmarkedLimit(), "allows only **4 requests in flight** and 125 s per request");
        Assert.Matches(UnmarkedLimit(), "request bodies up to 250 MB (pushes reach 200 MB)");
        Assert.Matches(UnmarkedLimit(), "names start with a letter, then letters, digits and `_`, at most 40 characters; values at most 8 KiB");
        Assert.DoesNotMatch(UnmarkedLimit(), "health check every 10 s, start period 300 s (ECS's maximum)");
    }

    [Fact]
    public void The_name_scan_sees_convex_names_and_skips_others()
    {
        Assert.Equal(["DISABLE_METRICS_ENDPOINT", "JWKS", "CONVEX_SELF_HOSTED_URL"], FactNames.Find("`DISABLE_METRICS_ENDPOINT=true`, JWKS and CONVEX_SELF_HOSTED_URL but not PULUMI_ORG or AUTH_GITHUB_ID"));
        Assert.Equal(["/api/check_admin_key", "/version", "/http"], FactPaths.Find("GET /api/check_admin_key, then /version; dotnet --version; http://127.0.0.1:3210/http and /usr/lib/version"));
        Assert.True(FactPaths.IsCited(Table, "/api/1.29.0/sync"));
        Assert.True(FactPaths.IsCited(Table, "/http/webhook"));
        Assert.False(FactPaths.IsCited(Table, "/api/run_test_function"));
    }

    private static void AssertNamesCited(IReadOnlyList<string> files)
    {
        var cited = Table.Facts.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        var strays = files.Where(f => !f.EndsWith("convex-facts.json", StringComparison.Ordinal))
            .SelectMany(file => FactNames.Find(RepoFiles.Read(file)).Select(name => (file, name)))
            .Where(hit => !cited.Contains(hit.name) && !FactNames.Own.Contains(hit.name))
            .Select(hit => $"{hit.file}: {hit.name}").Distinct().ToList();
        Assert.True(strays.Count == 0,
            "Convex-looking variables without a convex-facts.json row (cite them, or list a name of this project in FactNames.Own): " + string.Join(", ", strays));
    }

    // Statements of the backend's limits: its request cut-off, concurrency, push size and deployment-variable rules.
    [GeneratedRegex(@"(?i)(\bcuts?\b[^.|\n]{0,40}?\b\d+ ?s\b|\b\d+ (concurrent )?requests?( in flight)?\b|\b\d+\*{0,2} (requests in flight|concurrent requests)|pushes[^.|\n]{0,20}\d+ ?MB|at most \d+ characters|\d+ ?KiB)")]
    private static partial Regex UnmarkedLimit();
}
