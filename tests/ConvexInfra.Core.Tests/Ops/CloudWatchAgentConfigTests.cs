using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ConvexInfra.Core.Facts;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Rendering;
using ConvexInfra.Core.Tests.Spec;
using ConvexInfra.Core.Tests.Tools;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// The CloudWatch agent's configuration for the backend's metrics: valid under the agent's own schema (the part kept in
/// Data/cloudwatch-agent-schema.json), every metric name it uses cited in convex-facts.json, and a scrape file that
/// yamllint accepts and that keeps exactly the chosen series.
/// </summary>
public sealed class CloudWatchAgentConfigTests
{
    private static readonly string SchemaPath = Path.Combine(RepoRootFinder.Find(), "components", "ConvexInfra.Core", "Data", "cloudwatch-agent-schema.json");

    private static readonly ConvexFacts Facts = ConvexFacts.Embedded();

    public static TheoryData<string> AwsStacks() => new(TestSpecs.All.Where(s => s.Region is not null).Select(s => s.StackName));

    private static SchemaSubset Schema() =>
        new(JsonNode.Parse(File.ReadAllText(SchemaPath))!["schema"]!.AsObject());

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public void The_agent_config_is_valid_under_the_agents_schema(string stack)
    {
        var json = JsonNode.Parse(CloudWatchAgentConfig.AgentJson(TestSpecs.Named(stack), CloudWatchAgentConfig.HostPrometheusConfigPath));

        var errors = Schema().Validate(json);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void The_schema_check_really_rejects_what_the_agent_rejects()
    {
        var json = JsonNode.Parse(CloudWatchAgentConfig.AgentJson(TestSpecs.Ec2Prod, "/p.yaml"))!;
        var prometheus = json["logs"]!["metrics_collected"]!["prometheus"]!.AsObject();
        prometheus["scrape_interval"] = JsonNode.Parse("60");
        prometheus["emf_processor"]!["metric_declaration"]![0]!["dimension"] = new JsonArray();
        json["logs"]!["force_flush_interval"] = JsonNode.Parse("0");

        var errors = Schema().Validate(json);

        Assert.Contains(errors, e => e.Contains("'scrape_interval' is not allowed", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("'dimension' is not allowed", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("force_flush_interval: 0 is below 1", StringComparison.Ordinal));
    }

    [Fact]
    public void The_schema_data_names_its_upstream_file_and_a_line_for_each_rule()
    {
        var data = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        Assert.Equal("aws/amazon-cloudwatch-agent", data["repository"]!.GetValue<string>());
        Assert.Matches("^[0-9a-f]{40}$", data["revision"]!.GetValue<string>());
        Assert.All(data["behaviours"]!.AsArray(), b =>
        {
            Assert.True(b!["line"]!.GetValue<int>() > 0);
            Assert.False(string.IsNullOrWhiteSpace(b["match"]!.GetValue<string>()));
        });
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public void Every_metric_name_the_config_uses_is_a_backend_metric_cited_at_the_pin(string stack)
    {
        var spec = TestSpecs.Named(stack);
        var json = JsonNode.Parse(CloudWatchAgentConfig.AgentJson(spec, "/p.yaml"))!;
        var emf = json["logs"]!["metrics_collected"]!["prometheus"]!["emf_processor"]!;
        var used = emf["metric_unit"]!.AsObject().Select(p => p.Key)
            .Concat(emf["metric_declaration"]!.AsArray().SelectMany(d => d!["metric_selectors"]!.AsArray().Select(s => s!.GetValue<string>().Trim('^', '$'))))
            .Concat(KeepRegex(spec).Split('|'))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var metricFacts = Facts.Facts.Where(f => f.Kind == "metric").ToList();

        Assert.NotEmpty(used);
        Assert.All(used, name => Assert.True(
            metricFacts.Any(f => name == f.Name || name == f.Name + "_sum" || name == f.Name + "_count"),
            $"{name} is not a metric of convex-facts.json (kind metric), nor the _sum/_count of one"));
        Assert.All(AppMetrics.All, m => Assert.Equal("metric", Facts.Get(m.FactId).Kind));
        Assert.All(AppMetrics.All, m => Assert.StartsWith(Facts.Get(m.FactId).Name, m.Series, StringComparison.Ordinal));
    }

    [Fact]
    public void Histogram_series_are_only_taken_from_metrics_the_facts_call_histograms()
    {
        foreach (var metric in AppMetrics.All.Where(m => m.Series.EndsWith("_sum", StringComparison.Ordinal) || m.Series.EndsWith("_count", StringComparison.Ordinal)))
        {
            Assert.Contains("VMHistogram", Facts.Get(metric.FactId).Statement, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(AwsStacks))]
    public void Yamllint_accepts_the_scrape_file(string stack)
    {
        using var dir = new TempDir();
        var path = dir.Write("prometheus.yaml", CloudWatchAgentConfig.PrometheusYaml(TestSpecs.Named(stack)));

        ExternalTool.Check("yamllint", "--strict", "-d", ComposeFileTests.YamllintConfig, path);
    }

    [Fact]
    public void The_scrape_file_scrapes_the_relay_on_loopback_and_keeps_only_the_chosen_series()
    {
        var spec = TestSpecs.Ec2Prod;
        var root = Yaml(CloudWatchAgentConfig.PrometheusYaml(spec));

        Assert.Equal("60s", Scalar(root, "global", "scrape_interval"));
        var job = (YamlMappingNode)((YamlSequenceNode)root["scrape_configs"])[0];
        Assert.Equal(AppMetrics.Job, Scalar(job, "job_name"));
        Assert.Equal("/metrics", Scalar(job, "metrics_path"));
        var targets = (YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)job["static_configs"])[0])["targets"];
        Assert.Equal(["127.0.0.1:9464"], targets.Select(t => ((YamlScalarNode)t).Value));
        var relabel = (YamlMappingNode)((YamlSequenceNode)job["metric_relabel_configs"]).Single();
        Assert.Equal("keep", Scalar(relabel, "action"));
        Assert.Equal(["__name__"], ((YamlSequenceNode)relabel["source_labels"]).Select(t => ((YamlScalarNode)t).Value));
        var keep = new Regex($"^(?:{Scalar(relabel, "regex")})$");
        Assert.All(AppMetrics.Series(spec), s => Assert.Matches(keep, s));
        Assert.DoesNotMatch(keep, "application_function_runner_total_seconds_bucket");
        Assert.DoesNotMatch(keep, "postgres_query_total");
    }

    [Fact]
    public void Dev_sends_only_the_alarmed_metrics_and_every_other_tier_all_of_them()
    {
        Assert.Equal([AppMetrics.FunctionErrors, AppMetrics.SchedulerBacklog], AppMetrics.For(TestSpecs.Ec2Dev).Select(m => m.Key));
        Assert.Equal(AppMetrics.All.Count, AppMetrics.For(TestSpecs.Ec2Prod).Count);
        Assert.Equal(AppMetrics.All.Count, AppMetrics.For(TestSpecs.EcsStaging).Count);
        var dev = JsonNode.Parse(CloudWatchAgentConfig.AgentJson(TestSpecs.Ec2Dev, "/p.yaml"))!;
        Assert.Equal(2, dev["logs"]!["metrics_collected"]!["prometheus"]!["emf_processor"]!["metric_declaration"]!.AsArray().Count);
    }

    [Fact]
    public void The_error_count_is_filtered_by_status_and_each_metric_has_a_constant_dimension()
    {
        var json = JsonNode.Parse(CloudWatchAgentConfig.AgentJson(TestSpecs.Ec2Prod, "/p.yaml"))!;
        var prometheus = json["logs"]!["metrics_collected"]!["prometheus"]!;
        Assert.Equal("/convex-infra/prod/metrics", prometheus["log_group_name"]!.GetValue<string>());
        Assert.Equal(AppMetrics.Namespace(TestSpecs.Ec2Prod), prometheus["emf_processor"]!["metric_namespace"]!.GetValue<string>());
        var declarations = prometheus["emf_processor"]!["metric_declaration"]!.AsArray();
        var errors = declarations.Single(d => d!["label_matcher"]!.GetValue<string>() == "^error$")!;
        Assert.Equal(["status"], errors["source_labels"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(["job", "status"], errors["dimensions"]![0]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.All(declarations.Where(d => d != errors), d =>
        {
            Assert.Equal("^convex-backend$", d!["label_matcher"]!.GetValue<string>());
            Assert.Equal(["job"], d["dimensions"]![0]!.AsArray().Select(n => n!.GetValue<string>()));
        });
    }

    private static string KeepRegex(ConvexInfra.Core.Spec.DeploymentSpec spec)
    {
        var job = (YamlMappingNode)((YamlSequenceNode)Yaml(CloudWatchAgentConfig.PrometheusYaml(spec))["scrape_configs"])[0];
        return Scalar((YamlMappingNode)((YamlSequenceNode)job["metric_relabel_configs"])[0], "regex");
    }

    private static YamlMappingNode Yaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, params string[] path)
    {
        YamlNode current = node;
        foreach (var key in path)
        {
            current = ((YamlMappingNode)current)[key];
        }

        return ((YamlScalarNode)current).Value!;
    }
}
