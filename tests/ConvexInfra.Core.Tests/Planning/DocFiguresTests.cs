using System.Globalization;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Cost;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Spec;

namespace ConvexInfra.Core.Tests.Planning;

/// <summary>
/// The figures in the docs (monthly costs, cold-deploy times, the ALB idle timeout) are Core's, for the repository's
/// stack files: every marked figure must equal <see cref="DocFigures"/>, the docs that quote a figure must mark it,
/// and no unmarked figure of that kind may remain. Set <c>CONVEX_INFRA_UPDATE_DOCS=1</c> to rewrite the marked
/// figures after a change to the price table, the durations or a stack file.
/// </summary>
public partial class DocFiguresTests
{
    private static readonly string Root = RepoRootFinder.Find();

    /// <summary>Doc → the figures it must carry.</summary>
    private static readonly Dictionary<string, string[]> Required = new(StringComparer.Ordinal)
    {
        ["README.md"] = ["cold-deploy:dev", "cold-deploy:prod"],
        ["docs/awscore.md"] = ["cost-table"],
        ["docs/ecs.md"] = ["cost-table:ecs", "alb-idle-timeout", "cost:prod", "cold-deploy:ecs", "step:certificate"],
        ["docs/aws.md"] = ["cold-deploy-table", "deploy-steps"],
        ["docs/cicd.md"] = ["cold-deploy-max"],
        ["docs/dr.md"] = ["recovery-table", "recovery-promise"],
        ["docs/tuning.md"] = ["tuning-knobs", "tuning-stacks", "proxy-timeout", "alb-idle-timeout", "fact:limit-isolate-memory"],
        ["docs/limits.md"] = ["recovery-table", "cold-deploy:prod", "cold-deploy:ecs", "ec2-upgrade-downtime", "fact:limit-api-concurrency"],
    };

    private static List<StackPlan> RepoPlans() =>
        Directory.GetFiles(Root, "Pulumi.*.yaml").Order(StringComparer.Ordinal).Select(file =>
        {
            var result = SettingsReader.Read(StackFile.Load(file));
            Assert.True(result.IsValid, result.ErrorReport);
            return StackPlanner.Plan(result.Spec!);
        }).ToList();

    private static IEnumerable<string> Docs() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md")).Order(StringComparer.Ordinal);

    public static TheoryData<string> RequiredDocs() => new(Required.Keys);

    [Fact]
    public void Every_marked_figure_in_the_docs_is_cores()
    {
        var values = DocFigures.Values(RepoPlans());
        var update = Environment.GetEnvironmentVariable("CONVEX_INFRA_UPDATE_DOCS") == "1";
        var stale = new List<string>();
        foreach (var doc in Docs())
        {
            var text = File.ReadAllText(doc);
            // sim: figures come from the mock simulation of the real program (Components' ColdDeploySimulationTests).
            var unknown = DocFigures.Keys(text).Where(k => !values.ContainsKey(k) && !k.StartsWith("sim:", StringComparison.Ordinal)).ToList();
            Assert.True(unknown.Count == 0, $"{doc} marks figures Core does not know: {string.Join(", ", unknown)}. Known: {string.Join(", ", values.Keys.Order(StringComparer.Ordinal))}");
            var current = DocFigures.Apply(text, values);
            if (current != text)
            {
                if (update)
                {
                    File.WriteAllText(doc, current);
                }
                else
                {
                    stale.Add(Path.GetRelativePath(Root, doc));
                }
            }
        }

        Assert.True(stale.Count == 0, $"figures differ from `convex-infra plan` in {string.Join(", ", stale)}; run the Core tests with CONVEX_INFRA_UPDATE_DOCS=1 to rewrite them");
    }

    [Theory]
    [MemberData(nameof(RequiredDocs))]
    public void Docs_that_quote_a_figure_mark_it(string doc)
    {
        var keys = DocFigures.Keys(File.ReadAllText(Path.Combine(Root, doc)));
        Assert.All(Required[doc], key => Assert.Contains(key, keys));
    }

    [Theory]
    [MemberData(nameof(RequiredDocs))]
    public void No_unmarked_dollar_figure_that_core_does_not_know(string doc)
    {
        var known = KnownDollarFigures();
        var unmarked = DocFigures.WithoutMarked(File.ReadAllText(Path.Combine(Root, doc)));
        var strays = Dollars().Matches(unmarked).Select(m => m.Groups["n"].Value)
            .Where(n => !known.Contains(decimal.Parse(n, CultureInfo.InvariantCulture))).ToList();
        Assert.True(strays.Count == 0, $"{doc} quotes ${string.Join(", $", strays)}, which is neither a price-table rate (or its 730-hour month) nor a line or total of a repository stack's estimate; mark it or drop it");
    }

    [Theory]
    [MemberData(nameof(RequiredDocs))]
    public void No_unmarked_cold_deploy_duration(string doc)
    {
        var lines = DocFigures.WithoutMarked(File.ReadAllText(Path.Combine(Root, doc))).Split('\n');
        var strays = lines.Where(l => ColdDeployFigure().IsMatch(l)).ToList();
        Assert.True(strays.Count == 0, $"{doc} states a cold-deploy duration Core does not mark: {string.Join(" | ", strays)}");
    }

    [Fact]
    public void Workflow_comments_cite_plan_instead_of_deploy_durations()
    {
        var strays = Directory.GetFiles(Path.Combine(Root, ".github", "workflows"), "*.yml")
            .SelectMany(file => File.ReadLines(file).Select(line => (file, line)))
            .Where(x => ColdDeployFigure().IsMatch(x.line))
            .Select(x => $"{Path.GetFileName(x.file)}: {x.line.Trim()}")
            .ToList();
        Assert.True(strays.Count == 0, $"deploy durations belong to `convex-infra plan`, not to workflow comments: {string.Join(" | ", strays)}");
    }

    [Fact]
    public void Every_idle_timeout_in_the_docs_is_the_load_balancers()
    {
        foreach (var doc in Docs())
        {
            foreach (Match match in IdleTimeout().Matches(DocFigures.WithoutMarked(File.ReadAllText(doc))))
            {
                Assert.Equal(EcsDeploymentSettings.LoadBalancerIdleTimeoutSeconds(BackendKnobValues.Upstream.HttpServerTimeoutSeconds).ToString(CultureInfo.InvariantCulture), match.Groups["s"].Value);
            }
        }
    }

    [Fact]
    public void Apply_rewrites_inline_and_block_figures_and_keeps_unknown_keys()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal) { ["a"] = "42 s", ["t"] = "| x |\n" };
        var text = "idle <!--plan:a-->1 s<!--/plan--> and <!--plan:zz-->9<!--/plan-->\n<!-- BEGIN plan:t -->\nold\n<!-- END plan:t -->\n";

        var result = DocFigures.Apply(text, values);

        Assert.Equal("idle <!--plan:a-->42 s<!--/plan--> and <!--plan:zz-->9<!--/plan-->\n<!-- BEGIN plan:t -->\n| x |\n<!-- END plan:t -->\n", result);
        Assert.Equal(["t", "a", "zz"], DocFigures.Keys(result));
        Assert.Equal("idle  and \n\n", DocFigures.WithoutMarked(result));
    }

    [Fact]
    public void The_cost_table_lists_backups_and_monitoring_with_their_subtotals()
    {
        var table = DocFigures.Values(RepoPlans())["cost-table"];

        Assert.Contains("| CloudWatch dashboard |", table, StringComparison.Ordinal);
        Assert.Contains("| Export task (Fargate x86) |", table, StringComparison.Ordinal);
        Assert.Contains("| *backups* |", table, StringComparison.Ordinal);
        Assert.Contains("| *monitoring* |", table, StringComparison.Ordinal);
        Assert.Contains("| **total** |", table, StringComparison.Ordinal);
    }

    private static HashSet<decimal> KnownDollarFigures()
    {
        var prices = PriceTable.UsEast1();
        var rates = typeof(PriceRates).GetProperties().Select(p => (decimal)p.GetValue(prices.Rates)!)
            .Concat(prices.Ec2InstanceHourly.Values).Concat(prices.RdsPostgresInstanceHourlySingleAz.Values).ToList();
        var known = new HashSet<decimal> { 0m };
        foreach (var rate in rates)
        {
            known.Add(rate);
            known.Add(Math.Round(rate * prices.HoursPerMonth, 2));
        }

        foreach (var plan in RepoPlans())
        {
            known.Add(plan.Cost.MonthlyTotalUsd);
            known.UnionWith(plan.Cost.Lines.Select(l => l.MonthlyUsd));
        }

        return known;
    }

    [GeneratedRegex(@"\$(?<n>[0-9]+(\.[0-9]+)?)")]
    private static partial Regex Dollars();

    [GeneratedRegex(@"(?i)(cold|`?pulumi up`? takes?).*\d+\s*(–|-|to)\s*\d+\s*min")]
    private static partial Regex ColdDeployFigure();

    [GeneratedRegex(@"(?i)idle timeout (of )?(?<s>\d+) ?s\b")]
    private static partial Regex IdleTimeout();
}
