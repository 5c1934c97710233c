using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;
using YamlDotNet.RepresentationModel;

namespace ConvexInfra.Core.Tests.Rendering;

public class ComposeFileTests
{
    internal const string YamllintConfig = "{extends: default, rules: {line-length: {max: 160}}}";

    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public void Docker_compose_and_yamllint_accept_it(string stack)
    {
        var spec = TestSpecs.Named(stack);
        using var dir = WriteProject(ComposeFile.Render(spec, TestSpecs.RequireAws(spec)));

        ExternalTool.Check("docker-compose", "-p", "convex", "-f", Path.Combine(dir.Path, "docker-compose.yml"), "config", "-q");
        ExternalTool.Check("yamllint", "--strict", "-d", YamllintConfig, Path.Combine(dir.Path, "docker-compose.yml"));
    }

    [Fact]
    public void Docker_compose_really_validates_the_file()
    {
        var broken = ComposeFile.Render(TestSpecs.Ec2Dev, TestSpecs.RequireAws(TestSpecs.Ec2Dev))
            .Replace("stop_signal:", "stop_signall:", StringComparison.Ordinal);
        using var dir = WriteProject(broken);

        var result = ExternalTool.Run("docker-compose", ["-p", "convex", "-f", Path.Combine(dir.Path, "docker-compose.yml"), "config", "-q"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("stop_signall", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Backend_stops_gracefully_is_healthchecked_and_binds_to_loopback_only()
    {
        var backend = Service(TestSpecs.Ec2Prod, "backend");

        Assert.Equal($"ghcr.io/get-convex/convex-backend:{TestSpecs.Revision}", Scalar(backend, "image"));
        Assert.Equal("SIGINT", Scalar(backend, "stop_signal"));
        Assert.True(int.Parse(Scalar(backend, "stop_grace_period").TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture) >= 30);
        Assert.Contains(Scalar(backend, "restart"), new[] { "always", "unless-stopped" });
        Assert.Equal(["127.0.0.1:3210:3210"], Items(backend, "ports"));
        Assert.Equal(["./backend.env", "./backend.secrets.env"], Items(backend, "env_file"));
        Assert.Contains("convex-data:/convex/data", Items(backend, "volumes"));
        Assert.Contains("./certs:/convex/certs:ro", Items(backend, "volumes"));
        var healthcheck = (YamlMappingNode)backend[new YamlScalarNode("healthcheck")];
        Assert.Equal(["CMD", "curl", "-fsS", "http://127.0.0.1:3210/version"], Items(healthcheck, "test"));
        Assert.Equal($"{TestSpecs.Ec2Prod.Rollout.BackendHealthTimeoutSeconds}s", Scalar(healthcheck, "start_period"));
        var logging = (YamlMappingNode)backend[new YamlScalarNode("logging")];
        Assert.Equal("awslogs", Scalar(logging, "driver"));
        Assert.False(backend.Children.ContainsKey(new YamlScalarNode("environment")), "backend env comes from env files only");
    }

    [Fact]
    public void Dashboard_runs_the_same_revision_after_a_healthy_backend()
    {
        var dashboard = Service(TestSpecs.Ec2Prod, "dashboard");

        Assert.Equal($"ghcr.io/get-convex/convex-dashboard:{TestSpecs.Revision}", Scalar(dashboard, "image"));
        Assert.False(dashboard.Children.ContainsKey(new YamlScalarNode("ports")), "only Caddy reaches the dashboard");
        var dependsOn = (YamlMappingNode)dashboard[new YamlScalarNode("depends_on")];
        Assert.Equal("service_healthy", Scalar((YamlMappingNode)dependsOn[new YamlScalarNode("backend")], "condition"));
        var environment = (YamlMappingNode)dashboard[new YamlScalarNode("environment")];
        Assert.Equal("https://api.prod.convex.example.com", Scalar(environment, "NEXT_PUBLIC_DEPLOYMENT_URL"));
        Assert.False(environment.Children.ContainsKey(new YamlScalarNode("NEXT_PUBLIC_ADMIN_KEY")));
    }

    [Fact]
    public void Caddy_publishes_80_and_443_and_mounts_a_directory()
    {
        var caddy = Service(TestSpecs.Ec2Dev, "caddy");

        Assert.Equal(HostLayout.CaddyImage, Scalar(caddy, "image"));
        Assert.Matches("^caddy:2\\.[0-9]+\\.[0-9]+$", HostLayout.CaddyImage);
        Assert.False(caddy.Children.ContainsKey(new YamlScalarNode("network_mode")), "Caddy leaves the host's network namespace");
        Assert.Equal(["80:80", "443:443", "443:443/udp"], Items(caddy, "ports"));
        Assert.Contains("./caddy:/etc/caddy:ro", Items(caddy, "volumes"));
        Assert.Contains("caddy-data:/data", Items(caddy, "volumes"));
    }

    [Fact]
    public void Each_container_joins_only_the_networks_of_its_trust_zone()
    {
        var spec = TestSpecs.Ec2Prod;

        Assert.Equal(["proxy", "backend", "dashboard"], Items(Service(spec, "caddy"), "networks"));
        Assert.Equal(["dashboard"], Items(Service(spec, "dashboard"), "networks"));
        var backendNetworks = (YamlMappingNode)Service(spec, "backend")[new YamlScalarNode("networks")];
        Assert.Equal(["backend"], backendNetworks.Children.Keys.Select(k => ((YamlScalarNode)k).Value!));
        Assert.Equal("172.29.2.10", Scalar((YamlMappingNode)backendNetworks[new YamlScalarNode("backend")], "ipv4_address"));

        var networks = (YamlMappingNode)Root(spec)[new YamlScalarNode("networks")];
        foreach (var network in ContainerNetworks.All)
        {
            var definition = (YamlMappingNode)networks[new YamlScalarNode(network.Name)];
            var ipam = (YamlMappingNode)definition[new YamlScalarNode("ipam")];
            var config = (YamlMappingNode)((YamlSequenceNode)ipam[new YamlScalarNode("config")]).Children.Single();
            Assert.Equal(network.Subnet, Scalar(config, "subnet"));
            Assert.Equal(network.Internal, definition.Children.ContainsKey(new YamlScalarNode("internal")));
        }

        Assert.True(((YamlMappingNode)networks[new YamlScalarNode("dashboard")]).Children.ContainsKey(new YamlScalarNode("internal")));
        Assert.Contains(ContainerNetworks.FirewallRules, r => r.Contains("-s 172.29.2.10/32 ", StringComparison.Ordinal));
    }

    [Fact]
    public void Docker_compose_resolves_the_networks_and_the_backend_address()
    {
        using var dir = WriteProject(ComposeFile.Render(TestSpecs.Ec2Dev, TestSpecs.RequireAws(TestSpecs.Ec2Dev)));

        var config = ExternalTool.Check("docker-compose", "-p", "convex", "-f", Path.Combine(dir.Path, "docker-compose.yml"), "config");

        var yaml = new YamlStream();
        yaml.Load(new StringReader(config.Stdout));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var networks = (YamlMappingNode)root[new YamlScalarNode("networks")];
        Assert.Equal(["backend", "dashboard", "proxy"], networks.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        Assert.Contains("172.29.2.10", config.Stdout, StringComparison.Ordinal);
        Assert.Contains("internal: true", config.Stdout, StringComparison.Ordinal);
    }

    private static TempDir WriteProject(string compose)
    {
        var dir = new TempDir();
        dir.Write("docker-compose.yml", compose);
        dir.Write("backend.env", "INSTANCE_NAME=x\n");
        dir.Write("backend.secrets.env", "INSTANCE_SECRET=00\n");
        return dir;
    }

    private static YamlMappingNode Root(Core.Spec.DeploymentSpec spec)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(ComposeFile.Render(spec, TestSpecs.RequireAws(spec))));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    private static YamlMappingNode Service(Core.Spec.DeploymentSpec spec, string name)
    {
        var services = (YamlMappingNode)Root(spec)[new YamlScalarNode("services")];
        return (YamlMappingNode)services[new YamlScalarNode(name)];
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[new YamlScalarNode(key)]).Value!;

    private static List<string> Items(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    [Theory]
    [InlineData("backend", "backend")]
    [InlineData("dashboard", "dashboard")]
    [InlineData("caddy", "proxy")]
    public void Every_container_logs_to_the_stacks_log_group(string service, string stream)
    {
        var logging = (YamlMappingNode)Service(TestSpecs.Ec2Prod, service)[new YamlScalarNode("logging")];
        var options = (YamlMappingNode)logging[new YamlScalarNode("options")];

        Assert.Equal("awslogs", Scalar(logging, "driver"));
        Assert.Equal(Core.Naming.ResourceNames.HostLogGroup(TestSpecs.Ec2Prod), Scalar(options, "awslogs-group"));
        Assert.Equal("/convex-infra/prod/ec2", Scalar(options, "awslogs-group"));
        Assert.Equal("eu-west-1", Scalar(options, "awslogs-region"));
        Assert.Equal(stream, Scalar(options, "awslogs-stream"));
        Assert.Equal("non-blocking", Scalar(options, "mode"));
    }
}
