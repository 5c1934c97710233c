using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Planning;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Core.Tests.Spec;

/// <summary><c>convex-infra:backendTuning</c>: size defaults, overrides, key-named errors and what each target renders.</summary>
public sealed class BackendTuningSettingsTests
{
    private static StackConfig Ecs(params (string Key, string? Value)[] changes) =>
        TestConfigs.Aws("prod", [("target", "aws-ecs"), ("hostedZoneId", "Z0123456789ABC"), .. changes]);

    [Theory]
    [InlineData("t4g.small", 2048)]
    [InlineData("t4g.medium", 4096)]
    [InlineData("t4g.2xlarge", 32768)]
    [InlineData("m7g.large", 8192)]
    [InlineData("c7g.xlarge", 8192)]
    [InlineData("r8gd.4xlarge", 131072)]
    [InlineData("c6gn.medium", 2048)]
    public void Instance_memory_follows_the_family_and_size(string type, int mib) => Assert.Equal(mib, InstanceMemory.MiB(type));

    [Theory]
    [InlineData("a1.metal")]
    [InlineData("t4g.metal")]
    [InlineData("m7g.metal")]
    public void An_instance_type_of_unknown_memory_gives_none(string type) => Assert.Null(InstanceMemory.MiB(type));

    [Fact]
    public void Defaults_grow_with_the_memory_of_the_backends_machine()
    {
        var dev = TestConfigs.ReadValid(TestConfigs.Aws("dev"));
        var staging = TestConfigs.ReadValid(TestConfigs.Aws("staging"));
        var big = TestConfigs.ReadValid(TestConfigs.Aws("prod", ("instanceType", "m7g.xlarge")));
        var ecsProd = TestConfigs.ReadValid(Ecs());
        var unknown = TestConfigs.ReadValid(TestConfigs.Aws("prod", ("instanceType", "m7g.metal")));
        var local = TestConfigs.ReadValid(TestConfigs.Local());

        // A 2 GiB dev host keeps the image's own values; 4 GiB doubles queries and mutations; 16 GiB reaches the caps.
        Assert.Equal(BackendKnobValues.Upstream, dev.Backend.Knobs);
        Assert.Equal(BackendKnobValues.Upstream with { MaxConcurrentQueries = 32, MaxConcurrentMutations = 32 }, staging.Backend.Knobs);
        Assert.Equal(BackendKnobValues.Upstream with { MaxConcurrentQueries = 128, MaxConcurrentMutations = 128, MaxConcurrentV8Actions = 256, MaxConcurrentNodeActions = 256 }, big.Backend.Knobs);
        Assert.Equal(BackendKnobs.ForMemory(ecsProd.Compute.FargateMemoryMb), ecsProd.Backend.Knobs);
        Assert.Equal(32, ecsProd.Backend.Knobs.MaxConcurrentQueries);
        Assert.Equal(BackendKnobValues.Upstream, unknown.Backend.Knobs);
        Assert.Equal(BackendKnobValues.Upstream, local.Backend.Knobs);
    }

    [Fact]
    public void The_stacks_values_win_over_the_defaults_and_reach_the_backend_environment()
    {
        var spec = TestConfigs.ReadValid(TestConfigs.Local(("backendTuning", """{"maxConcurrentMutations":"40","nodeActionTimeoutSeconds":120,"httpServerTimeoutSeconds":"600"}""")));

        Assert.Equal(BackendKnobValues.Upstream with { MaxConcurrentMutations = 40, NodeActionTimeoutSeconds = 120, HttpServerTimeoutSeconds = 600 }, spec.Backend.Knobs);
        var env = ConvexEnvironment.Backend(spec, aws: null).Plain.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal("40", env["APPLICATION_MAX_CONCURRENT_MUTATIONS"]);
        Assert.Equal("120", env["NODE_ACTION_USER_TIMEOUT_SECS"]);
        Assert.Equal("600", env["HTTP_SERVER_TIMEOUT_SECONDS"]);

        // A knob at the image's own default is left unset: the backend then uses that default.
        Assert.False(env.ContainsKey("APPLICATION_MAX_CONCURRENT_QUERIES"));
        var plain = ConvexEnvironment.Backend(TestConfigs.ReadValid(TestConfigs.Local()), aws: null).Names;
        Assert.DoesNotContain(plain, name => BackendKnobs.All.Any(k => k.EnvName == name));
        Assert.Equal("200", ConvexEnvironment.Backend(TestConfigs.ReadValid(TestConfigs.Local(("backendTuning", """{"maxConcurrentQueries":"200"}"""))), aws: null)
            .Plain.Single(v => v.Name == "APPLICATION_MAX_CONCURRENT_QUERIES").Value);
    }

    [Theory]
    [InlineData("""{"maxConcurrentQuerys":"32"}""", "convex-infra:backendTuning.maxConcurrentQuerys", "did you mean maxConcurrentQueries?")]
    [InlineData("""{"APPLICATION_MAX_CONCURRENT_QUERIES":"32"}""", "convex-infra:backendTuning.APPLICATION_MAX_CONCURRENT_QUERIES", "did you mean maxConcurrentQueries?")]
    [InlineData("""{"isolateHeap":"32"}""", "convex-infra:backendTuning.isolateHeap", "one of maxConcurrentQueries, maxConcurrentMutations")]
    [InlineData("""{"maxConcurrentHttpActions":"32"}""", "convex-infra:backendTuning.maxConcurrentHttpActions", "HTTP actions count against maxConcurrentV8Actions")]
    [InlineData("""{"documentRetentionDelaySeconds":"3600"}""", "convex-infra:backendTuning.documentRetentionDelaySeconds", "its own setting: convex-infra:documentRetentionDelaySeconds")]
    [InlineData("""{"maxConcurrentQueries":"lots"}""", "convex-infra:backendTuning.maxConcurrentQueries", "a whole number of queries from 1 to 1024 (APPLICATION_MAX_CONCURRENT_QUERIES; upstream default 16)")]
    [InlineData("""{"maxConcurrentQueries":"0"}""", "convex-infra:backendTuning.maxConcurrentQueries", "from 1 to 1024")]
    [InlineData("""{"v8ActionTimeoutSeconds":"-5"}""", "convex-infra:backendTuning.v8ActionTimeoutSeconds", "from 10 to 7200")]
    [InlineData("""{"httpServerTimeoutSeconds":"3600"}""", "convex-infra:backendTuning.httpServerTimeoutSeconds", "a whole number of seconds from 30 to 1800")]
    [InlineData("""{"httpServerTimeoutSeconds":"1.5"}""", "convex-infra:backendTuning.httpServerTimeoutSeconds", "from 30 to 1800")]
    [InlineData("""{"maxConcurrentQueries":["32"]}""", "convex-infra:backendTuning", "holds a list, map or null")]
    [InlineData("\"32\"", "convex-infra:backendTuning", "a YAML map")]
    public void Unknown_knobs_and_bad_values_fail_with_their_key(string raw, string key, string expected)
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("backendTuning", raw)));

        var error = Assert.Single(errors);
        Assert.Equal(key, error.Key);
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_of_the_map_is_listed_at_once()
    {
        var errors = TestConfigs.ReadErrors(TestConfigs.Aws("dev", ("backendTuning", """{"a":"1","maxConcurrentQueries":"x","httpServerTimeoutSeconds":"5"}""")));

        Assert.Equal(
            ["convex-infra:backendTuning.a", "convex-infra:backendTuning.httpServerTimeoutSeconds", "convex-infra:backendTuning.maxConcurrentQueries"],
            errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Ec2_renders_the_knobs_into_the_hosts_env_file_and_the_caddy_timeouts_from_the_http_timeout()
    {
        var plan = StackPlanner.Plan(TestConfigs.ReadValid(TestConfigs.Aws("dev", ("backendTuning", """{"maxConcurrentQueries":"24","httpServerTimeoutSeconds":"900"}"""))));

        var env = Artifact(plan, "ec2/host/etc/convex/backend.env");
        Assert.Contains("\nAPPLICATION_MAX_CONCURRENT_QUERIES=24\n", env, StringComparison.Ordinal);
        Assert.Contains("\nHTTP_SERVER_TIMEOUT_SECONDS=900\n", env, StringComparison.Ordinal);
        Assert.Contains("APPLICATION_MAX_CONCURRENT_QUERIES=24", Artifact(plan, "ec2/release.json"), StringComparison.Ordinal);
        var caddyfile = Artifact(plan, "ec2/host/etc/convex/caddy/Caddyfile");
        Assert.Contains("read_timeout 930s", caddyfile, StringComparison.Ordinal);
        Assert.Contains("write_timeout 930s", caddyfile, StringComparison.Ordinal);
    }

    [Fact]
    public void Ecs_renders_the_knobs_into_the_task_and_derives_the_site_proxy_and_alb_timeouts()
    {
        var plan = StackPlanner.Plan(TestConfigs.ReadValid(Ecs(("backendTuning", """{"maxConcurrentV8Actions":"100","httpServerTimeoutSeconds":"120"}"""))));

        var containers = Artifact(plan, "aws/ecs/ecs-task.containers.json");
        Assert.Contains("\"name\": \"APPLICATION_MAX_CONCURRENT_V8_ACTIONS\",\n        \"value\": \"100\"", containers.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"value\": \"120\"", containers, StringComparison.Ordinal);
        Assert.Contains(plan.Resources, r => r.Type == "aws:lb/loadBalancer:LoadBalancer" && r.Description.Contains("idle timeout 240 s", StringComparison.Ordinal));
        Assert.Contains("read_timeout 150s", ConvexInfra.Core.Ecs.SiteProxyCaddyfile.Render(plan.Spec), StringComparison.Ordinal);
    }

    [Fact]
    public void Local_renders_the_knobs_into_the_backend_env_file()
    {
        var plan = StackPlanner.Plan(TestConfigs.ReadValid(TestConfigs.Local(("backendTuning", """{"maxConcurrentQueries":"8"}"""))));

        Assert.Contains("\nAPPLICATION_MAX_CONCURRENT_QUERIES=8\n", Artifact(plan, "env/backend.env"), StringComparison.Ordinal);
    }

    private static string Artifact(StackPlan plan, string path) => Assert.Single(plan.Artifacts, a => a.Path == path).Content;
}
