using System.Text.Json;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ecs;

/// <summary>The ECS task's Caddy for HTTP actions: valid for Caddy, routed like the backend's own site proxy.</summary>
public class SiteProxyTests
{
    [Fact]
    public void Caddy_accepts_the_site_proxy_config()
    {
        using var dir = new TempDir();
        var file = dir.Write("Caddyfile", SiteProxyCaddyfile.Render(TestSpecs.EcsStaging));

        var result = ExternalTool.Run("caddy", ["validate", "--config", file, "--adapter", "caddyfile"],
            environment: new Dictionary<string, string> { ["HOME"] = dir.Path, ["XDG_DATA_HOME"] = dir.Path, ["XDG_CONFIG_HOME"] = dir.Path });

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public void Caddy_would_reject_a_broken_config()
    {
        using var dir = new TempDir();
        var file = dir.Write("Caddyfile", SiteProxyCaddyfile.Render(TestSpecs.EcsStaging).Replace("rewrite * /http{uri}", "rewrite_nope * /http{uri}", StringComparison.Ordinal));

        var result = ExternalTool.Run("caddy", ["validate", "--config", file, "--adapter", "caddyfile"],
            environment: new Dictionary<string, string> { ["HOME"] = dir.Path, ["XDG_DATA_HOME"] = dir.Path, ["XDG_CONFIG_HOME"] = dir.Path });

        Assert.NotEqual(0, result.ExitCode);
    }

    [Fact]
    public void Site_requests_go_to_3210_under_http_and_health_to_version()
    {
        var config = SiteProxyCaddyfile.Render(TestSpecs.EcsStaging);

        Assert.Contains(":3212 {", config, StringComparison.Ordinal);
        Assert.Contains("\trewrite * /http{uri}\n\treverse_proxy 127.0.0.1:3210 {", config, StringComparison.Ordinal);
        Assert.Contains(":3213 {\n\trewrite * /version\n\treverse_proxy 127.0.0.1:3210\n}", config, StringComparison.Ordinal);
        Assert.Contains("read_timeout 330s", config, StringComparison.Ordinal);
        Assert.Contains("admin off", config, StringComparison.Ordinal);
    }

    [Fact]
    public void The_task_runs_the_proxy_with_that_config_after_the_backend_started()
    {
        var spec = TestSpecs.EcsStaging;
        var aws = TestSpecs.RequireAws(spec);
        using var json = JsonDocument.Parse(EcsContainerDefinitions.Render(spec, new ConvexInfra.Core.Aws.AwsAccountContext("aws", "eu-west-1", "123456789012"), aws, "/convex-infra/staging/ecs"));
        var proxy = json.RootElement.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "proxy");

        Assert.Equal("caddy:2.10.0", proxy.GetProperty("image").GetString());
        Assert.False(proxy.GetProperty("essential").GetBoolean());
        Assert.True(proxy.GetProperty("restartPolicy").GetProperty("enabled").GetBoolean());
        var environment = proxy.GetProperty("environment").EnumerateArray().Single();
        Assert.Equal(EcsContainerDefinitions.ProxyConfigVariable, environment.GetProperty("name").GetString());
        Assert.Equal(SiteProxyCaddyfile.Render(spec), environment.GetProperty("value").GetString());
        Assert.Equal(["sh", "-c", EcsContainerDefinitions.ProxyCommand], proxy.GetProperty("command").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("backend", proxy.GetProperty("dependsOn")[0].GetProperty("containerName").GetString());
    }

    [Fact]
    public void The_start_command_writes_the_config_from_its_variable()
    {
        using var dir = new TempDir();
        dir.Write("bin/caddy", "#!/bin/sh\necho \"caddy $*\"\ncat /tmp/Caddyfile\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var result = ExternalTool.Run("sh", ["-c", EcsContainerDefinitions.ProxyCommand], environment: new Dictionary<string, string>
        {
            ["PATH"] = $"{Path.Combine(dir.Path, "bin")}:/usr/bin:/bin",
            ["CADDYFILE"] = "# test config\n:3212 {\n}\n",
        });

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.StartsWith("caddy run --config /tmp/Caddyfile --adapter caddyfile\n# test config\n:3212 {\n}", result.Stdout, StringComparison.Ordinal);
    }
}
