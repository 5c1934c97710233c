using System.Text.Json;
using ConvexInfra.Core.Aws;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Runtime;
using ConvexInfra.Core.Spec;
using ConvexInfra.Core.Tests.Fixtures;

namespace ConvexInfra.Core.Tests.Ecs;

public sealed class EcsContainerDefinitionsTests
{
    private static readonly DeploymentSpec Spec = TestSpecs.EcsStaging;
    private static readonly AwsAccountContext Account = new("aws", "eu-west-1", "123456789012");
    private const string LogGroup = "/convex-infra/staging/ecs";

    private static JsonElement Render(DeploymentSpec? spec = null)
    {
        var s = spec ?? Spec;
        var json = EcsContainerDefinitions.Render(s, Account, TestSpecs.RequireAws(s), LogGroup);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static JsonElement RenderDashboard() =>
        JsonDocument.Parse(EcsContainerDefinitions.RenderDashboard(Spec, "eu-west-1", LogGroup)).RootElement.Clone();

    /// <summary>A container of either task: backend and proxy in the Convex task, the dashboard in its own.</summary>
    private static JsonElement Container(string name) =>
        Render().EnumerateArray().Concat(RenderDashboard().EnumerateArray()).Single(c => c.GetProperty("name").GetString() == name);

    [Fact]
    public void Backend_task_and_dashboard_task_run_the_same_pinned_revision()
    {
        var containers = Render().EnumerateArray().ToList();

        Assert.Equal([EcsContainers.Backend, EcsContainers.Proxy, EcsMetricsContainers.Relay, EcsMetricsContainers.ConfigWriter, EcsMetricsContainers.Agent],
            containers.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([EcsContainers.Dashboard], RenderDashboard().EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal($"ghcr.io/get-convex/convex-backend:{Spec.ImageRevision}", Container("backend").GetProperty("image").GetString());
        Assert.Equal($"ghcr.io/get-convex/convex-dashboard:{Spec.ImageRevision}", Container("dashboard").GetProperty("image").GetString());
        Assert.True(Container("backend").GetProperty("essential").GetBoolean());
        Assert.Single(containers, c => c.GetProperty("essential").GetBoolean());
    }

    /// <summary>
    /// The site proxy shares the backend's task (localhost, the task role's credentials endpoint); docs/security.md
    /// accepts that on these grounds, which this test holds: it runs no application code and gets nothing of the
    /// backend's but the path to its public API port. No secret, no other variable than its Caddyfile, no volume, no
    /// extra capability, and a static config with the admin API off that proxies only to 127.0.0.1:3210.
    /// </summary>
    [Fact]
    public void The_site_proxy_gets_nothing_of_the_backend_but_the_path_to_its_api_port()
    {
        var proxy = Container(EcsContainers.Proxy);

        Assert.False(proxy.TryGetProperty("secrets", out _));
        var environment = proxy.GetProperty("environment").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal([EcsContainerDefinitions.ProxyConfigVariable], environment);
        foreach (var shared in new[] { "mountPoints", "volumesFrom", "linuxParameters", "privileged", "links" })
        {
            Assert.False(proxy.TryGetProperty(shared, out var value) && value.ValueKind != JsonValueKind.Array || value.ValueKind == JsonValueKind.Array && value.GetArrayLength() > 0, shared);
        }

        var caddyfile = SiteProxyCaddyfile.Render(Spec);
        Assert.Contains("\tadmin off\n", caddyfile, StringComparison.Ordinal);
        var upstreams = System.Text.RegularExpressions.Regex.Matches(caddyfile, @"reverse_proxy\s+(\S+)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Equal([$"127.0.0.1:{EcsContainers.ApiPort}"], upstreams);
    }

    [Fact]
    public void The_dashboard_task_shares_nothing_with_the_backend_and_is_replaced_when_it_exits()
    {
        var dashboard = Container("dashboard");

        // Its own task: essential (ECS replaces the task), no dependency on a backend container it cannot see.
        Assert.True(dashboard.GetProperty("essential").GetBoolean());
        Assert.False(dashboard.TryGetProperty("dependsOn", out _));
        Assert.False(dashboard.TryGetProperty("secrets", out _));
        Assert.DoesNotContain(Render().EnumerateArray(), c => c.GetProperty("name").GetString() == EcsContainers.Dashboard);
        Assert.Throws<ArgumentException>(() => EcsContainerDefinitions.RenderDashboard(TestSpecs.Ec2Dev, "eu-west-1", LogGroup));
    }

    [Fact]
    public void Secret_versions_are_a_backend_label_so_a_changed_secret_changes_the_task_definition()
    {
        var aws = TestSpecs.RequireAws(Spec);
        string Rendered(SecretParameterVersions? versions) => EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup, versions);
        var baseline = Rendered(new SecretParameterVersions(3, 1));

        using var json = JsonDocument.Parse(baseline);
        var backend = json.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backend");
        var labels = backend.GetProperty("dockerLabels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { [SecretParameterVersions.DockerLabel] = "instance-secret=3,db-credentials=1" }, labels);
        Assert.False(Container("dashboard").TryGetProperty("dockerLabels", out _));

        Assert.Equal(baseline, Rendered(new SecretParameterVersions(3, 1)));
        Assert.NotEqual(baseline, Rendered(new SecretParameterVersions(4, 1)));
        Assert.NotEqual(baseline, Rendered(new SecretParameterVersions(3, 2)));
        Assert.DoesNotContain("dockerLabels", Rendered(null), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_restore_puts_the_database_address_version_in_the_task_definition()
    {
        var aws = TestSpecs.RequireAws(Spec);
        var usual = EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup, new SecretParameterVersions(3, 1));
        var restoring = EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup, new SecretParameterVersions(3, 1), databaseHostVersion: 2);

        Assert.DoesNotContain(EcsContainerDefinitions.DatabaseHostVersionLabel, usual, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(restoring);
        var backend = json.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "backend");
        Assert.Equal("2", backend.GetProperty("dockerLabels").GetProperty(EcsContainerDefinitions.DatabaseHostVersionLabel).GetString());
        Assert.NotEqual(restoring, EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup, new SecretParameterVersions(3, 1), databaseHostVersion: 3));
    }

    [Fact]
    public void Secret_versions_must_be_ssm_versions()
    {
        var aws = TestSpecs.RequireAws(Spec);
        var error = Assert.Throws<ArgumentException>(() => EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup, new SecretParameterVersions(0, 1)));
        Assert.Contains("instance-secret=0", error.Message, StringComparison.Ordinal);
        Assert.Contains("Parameter.Version", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_come_from_ssm_parameter_arns_and_never_as_plain_environment()
    {
        var backend = Container("backend");
        var secrets = backend.GetProperty("secrets").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("valueFrom").GetString());
        var plain = backend.GetProperty("environment").EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();

        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["INSTANCE_SECRET"] = "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/staging/instance-secret",
                // The credentials alone: POSTGRES_URL needs the RDS address, which the entrypoint waits for at run time.
                [BackendEntrypoint.DatabaseCredentialsVariable] = "arn:aws:ssm:eu-west-1:123456789012:parameter/convex-infra/staging/db-credentials",
            },
            secrets);
        Assert.DoesNotContain("INSTANCE_SECRET", plain);
        Assert.DoesNotContain("POSTGRES_URL", plain);
        Assert.DoesNotContain(BackendEntrypoint.DatabaseCredentialsVariable, plain);
        Assert.False(Container("dashboard").TryGetProperty("secrets", out _));
        Assert.DoesNotContain(plain, name => name!.Contains("ADMIN_KEY", StringComparison.Ordinal));
    }

    [Fact]
    public void Backend_environment_is_the_shared_convex_environment_with_the_rds_ca_file()
    {
        var env = Container("backend").GetProperty("environment").EnumerateArray()
            .Select(e => new EnvVar(e.GetProperty("name").GetString()!, e.GetProperty("value").GetString()!)).ToList();

        // The shared environment, then what the entrypoint needs to wait for the address (no secret among them).
        Assert.Equal(ConvexEnvironment.Backend(Spec, TestSpecs.RequireAws(Spec)).Plain, env.SkipLast(3));
        Assert.Equal(
            [
                new EnvVar(BackendEntrypoint.DatabaseHostParameterVariable, "/convex-infra/staging/db-host"),
                new EnvVar(BackendEntrypoint.DatabasePortVariable, "5432"),
                new EnvVar(ConvexInfra.Core.Aws.AwsRequestScript.Variable, ConvexInfra.Core.Aws.AwsRequestScript.Text),
            ],
            env.TakeLast(3));
        Assert.Contains(new EnvVar("PG_CA_FILE", ConvexEnvironment.RdsCaBundlePath), env);
        Assert.Contains(new EnvVar("CONVEX_CLOUD_ORIGIN", "https://api.staging.convex.example.com"), env);
    }

    [Fact]
    public void Backend_stops_through_the_sigint_entrypoint_within_fargates_stop_timeout()
    {
        var backend = Container("backend");

        Assert.Equal(BackendEntrypoint.EntryPoint, backend.GetProperty("entryPoint").EnumerateArray().Select(e => e.GetString()!));
        Assert.Equal(120, backend.GetProperty("stopTimeout").GetInt32());
        Assert.InRange(Container("dashboard").GetProperty("stopTimeout").GetInt32(), 2, 120);
    }

    [Fact]
    public void Backend_health_check_probes_version_with_the_longest_start_period_ecs_allows()
    {
        var check = Container("backend").GetProperty("healthCheck");

        var command = check.GetProperty("command").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal("CMD-SHELL", command[0]);
        Assert.Contains("http://127.0.0.1:3210/version", command[1], StringComparison.Ordinal);
        Assert.Equal(300, check.GetProperty("startPeriod").GetInt32());
        // ECS's accepted ranges: interval 5..300, timeout 2..60, retries 1..10.
        Assert.InRange(check.GetProperty("interval").GetInt32(), 5, 300);
        Assert.InRange(check.GetProperty("timeout").GetInt32(), 2, 60);
        Assert.InRange(check.GetProperty("retries").GetInt32(), 1, 10);
        Assert.True(check.GetProperty("timeout").GetInt32() < check.GetProperty("interval").GetInt32());
    }

    [Fact]
    public void Ports_are_the_api_site_and_dashboard_ports_in_awsvpc_form()
    {
        static List<int> Ports(JsonElement c) => c.GetProperty("portMappings").EnumerateArray()
            .Select(p =>
            {
                Assert.Equal(p.GetProperty("containerPort").GetInt32(), p.GetProperty("hostPort").GetInt32());
                Assert.Equal("tcp", p.GetProperty("protocol").GetString());
                return p.GetProperty("containerPort").GetInt32();
            }).ToList();

        Assert.Equal([3210, 3211], Ports(Container("backend")));
        Assert.Equal([6791], Ports(Container("dashboard")));
        Assert.Equal([3212, 3213], Ports(Container("proxy")));
    }

    [Fact]
    public void Both_containers_log_to_the_stack_log_group_with_their_own_stream_prefix()
    {
        foreach (var name in new[] { "backend", "dashboard", "proxy" })
        {
            var logs = Container(name).GetProperty("logConfiguration");
            Assert.Equal("awslogs", logs.GetProperty("logDriver").GetString());
            var options = logs.GetProperty("options");
            Assert.Equal(LogGroup, options.GetProperty("awslogs-group").GetString());
            Assert.Equal("eu-west-1", options.GetProperty("awslogs-region").GetString());
            Assert.Equal(name, options.GetProperty("awslogs-stream-prefix").GetString());
        }
    }

    [Fact]
    public void Rendering_is_stable_and_uses_camel_case_keys_only()
    {
        var aws = TestSpecs.RequireAws(Spec);
        var first = EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup);

        Assert.Equal(first, EcsContainerDefinitions.Render(Spec, Account, aws, LogGroup));
        foreach (var container in JsonDocument.Parse(first).RootElement.EnumerateArray())
        {
            Assert.All(container.EnumerateObject(), p => Assert.True(char.IsLower(p.Name[0]), $"key {p.Name} is not camelCase"));
        }
    }

    [Fact]
    public void Log_group_name_lives_under_the_stack_prefix()
    {
        Assert.Equal("/convex-infra/staging/ecs", EcsContainers.LogGroupName(Spec));
    }

    [Fact]
    public void Other_targets_and_bad_log_groups_are_refused_with_the_key_named()
    {
        var ec2 = TestSpecs.Ec2Dev;
        var wrongTarget = Assert.Throws<ArgumentException>(() =>
            EcsContainerDefinitions.Render(ec2, Account, TestSpecs.RequireAws(ec2), LogGroup));
        Assert.Contains("target: got 'aws-ec2'", wrongTarget.Message, StringComparison.Ordinal);

        var noGroup = Assert.Throws<ArgumentException>(() =>
            EcsContainerDefinitions.Render(Spec, Account, TestSpecs.RequireAws(Spec), " "));
        Assert.Contains("logGroupName", noGroup.Message, StringComparison.Ordinal);
        Assert.Contains("Example", noGroup.Message, StringComparison.Ordinal);
    }
}
