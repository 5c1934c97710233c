using System.Text.Json;
using ConvexInfra.Components.Tests.Local;
using ConvexInfra.Components.Tests.Support;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Spec;

namespace ConvexInfra.Components.Tests;

/// <summary>
/// <c>backendTuning</c> reaches the backend's environment on every target as the program deploys it (the EC2 host's
/// release, the ECS task definition, the local container), and the proxy and load-balancer timeouts follow the HTTP one.
/// </summary>
[Collection(PulumiDeployments.Name)]
public sealed class BackendTuningTests
{
    private const string Tuning = """{"maxConcurrentQueries":"48","maxConcurrentNodeActions":"8","v8ActionTimeoutSeconds":"900","httpServerTimeoutSeconds":"900"}""";

    private static readonly string[] Expected =
    [
        "APPLICATION_MAX_CONCURRENT_QUERIES=48", "APPLICATION_MAX_CONCURRENT_NODE_ACTIONS=8",
        "V8_ACTION_USER_TIMEOUT_SECS=900", "HTTP_SERVER_TIMEOUT_SECONDS=900",
    ];

    [Fact]
    public async Task Ec2_the_hosts_backend_env_file_and_its_caddy_timeouts_carry_the_tuning()
    {
        var run = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("staging"), "convex-infra:backendTuning", Tuning));

        using var release = JsonDocument.Parse(run.ReleaseParameter().Text("insecureValue")!);
        var files = release.RootElement.GetProperty("files").EnumerateArray()
            .ToDictionary(f => f.GetProperty("path").GetString()!, f => f.GetProperty("content").GetString()!);
        var env = files.Single(f => f.Key == "backend.env").Value.Split('\n');
        Assert.All(Expected, line => Assert.Contains(line, env));
        // Not set: the size default of a t4g.medium (4 GiB) for mutations.
        Assert.Contains("APPLICATION_MAX_CONCURRENT_MUTATIONS=32", env);
        var caddyfile = files.Single(f => f.Key == "caddy/Caddyfile").Value;
        Assert.Contains("read_timeout 930s", caddyfile);
        Assert.DoesNotContain("330s", caddyfile);
    }

    [Fact]
    public async Task Ecs_the_task_definitions_backend_environment_and_the_alb_idle_timeout_carry_the_tuning()
    {
        var run = await StackRun.RunAsync(StackFiles.With(StackFiles.Load("ecs"), "convex-infra:backendTuning", Tuning));

        using var containers = JsonDocument.Parse(run.ServiceTaskDefinition().Text("containerDefinitions")!);
        var backend = containers.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == Core.Ecs.EcsContainers.Backend);
        var env = backend.GetProperty("environment").EnumerateArray()
            .Select(e => $"{e.GetProperty("name").GetString()}={e.GetProperty("value").GetString()}").ToList();
        Assert.All(Expected, line => Assert.Contains(line, env));
        Assert.Equal(1800, run.Single("aws:lb/loadBalancer:LoadBalancer").Number("idleTimeout"));
    }

    [Fact]
    public async Task Local_the_backend_containers_environment_carries_the_tuning()
    {
        var spec = LocalStackRun.LocalStackSpec();
        var tuned = spec with { Backend = spec.Backend with { Knobs = BackendKnobValues.Upstream with { MaxConcurrentQueries = 48, HttpServerTimeoutSeconds = 900 } } };

        var run = await LocalStackRun.UpAsync(tuned);

        var env = await run.EnvAsync(LocalRole.Backend);
        Assert.Contains("APPLICATION_MAX_CONCURRENT_QUERIES=48", env);
        Assert.Contains("HTTP_SERVER_TIMEOUT_SECONDS=900", env);
        Assert.DoesNotContain(env, e => e.StartsWith("APPLICATION_MAX_CONCURRENT_MUTATIONS=", StringComparison.Ordinal)); // the image's default: unset
    }

    [Fact]
    public void An_unknown_knob_fails_the_program_with_its_key()
    {
        var config = StackFiles.With(StackFiles.Load("dev"), "convex-infra:backendTuning", """{"maxConcurrentQuerys":"48"}""");

        var error = Assert.ThrowsAny<Exception>(() => ConvexProgram.ReadSpec(config));

        Assert.Contains("convex-infra:backendTuning.maxConcurrentQuerys: got an unknown knob", error.Message);
        Assert.Contains("did you mean maxConcurrentQueries?", error.Message);
    }
}
