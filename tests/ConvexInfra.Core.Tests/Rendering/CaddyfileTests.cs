using System.Text.Json;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

public class CaddyfileTests
{
    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public void Caddy_adapts_validates_and_formats_it_unchanged(string stack)
    {
        using var dir = new TempDir();
        var file = dir.Write("Caddyfile", Caddyfile.Render(TestSpecs.Named(stack)));

        var adapted = ExternalTool.Check("caddy", "adapt", "--config", file, "--adapter", "caddyfile");
        Assert.DoesNotContain("not formatted", adapted.Stderr, StringComparison.Ordinal);
        var validated = ExternalTool.Run("caddy", ["validate", "--config", file, "--adapter", "caddyfile"],
            environment: new Dictionary<string, string> { ["HOME"] = dir.Path, ["XDG_DATA_HOME"] = dir.Path, ["XDG_CONFIG_HOME"] = dir.Path });
        Assert.True(validated.ExitCode == 0, validated.Output);
        var formatted = ExternalTool.Check("caddy", "fmt", file);
        Assert.Equal(File.ReadAllText(file), formatted.Stdout);
    }

    [Fact]
    public void Adapted_config_proxies_each_hostname_with_long_timeouts_and_big_bodies()
    {
        var routes = Routes(Adapt(TestSpecs.Ec2Prod));

        Assert.Equal(3, routes.Count);
        var api = Route(routes, "api.prod.convex.example.com");
        var site = Route(routes, "site.prod.convex.example.com");
        var dashboard = Route(routes, "dashboard.prod.convex.example.com");

        // By compose service name, over the networks Caddy shares with each container.
        Assert.Equal(["backend:3210"], Upstreams(api));
        Assert.Equal(["backend:3210"], Upstreams(site));
        Assert.Equal(["dashboard:6791"], Upstreams(dashboard));
        foreach (var route in new[] { api, site, dashboard })
        {
            var transport = Handlers(route, "reverse_proxy").Single().GetProperty("transport");
            Assert.True(transport.GetProperty("read_timeout").GetInt64() >= 300_000_000_000L);
            Assert.True(transport.GetProperty("write_timeout").GetInt64() >= 300_000_000_000L);
            Assert.True(Handlers(route, "request_body").Single().GetProperty("max_size").GetInt64() >= 200_000_000L);
        }

        // HTTP actions reach 3210 under /http (what the 3211 proxy does, without its 4-request limit).
        Assert.Equal("/http{http.request.uri}", Handlers(site, "rewrite").Single().GetProperty("uri").GetString());
        Assert.Empty(Handlers(api, "rewrite"));
    }

    [Fact]
    public void Dashboard_is_limited_to_the_allowed_cidrs_and_gets_security_headers()
    {
        var dashboard = Route(Routes(Adapt(TestSpecs.Ec2Prod)), "dashboard.prod.convex.example.com");

        var raw = dashboard.GetRawText();
        Assert.Contains("\"remote_ip\"", raw, StringComparison.Ordinal);
        Assert.Contains("203.0.113.0/24", raw, StringComparison.Ordinal);
        Assert.Contains("198.51.100.7/32", raw, StringComparison.Ordinal);
        var deny = Handlers(dashboard, "static_response").Single(h => h.GetProperty("status_code").ToString() == "403");
        Assert.Equal("Forbidden", deny.GetProperty("body").GetString());
        Assert.Contains("\"X-Frame-Options\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"Strict-Transport-Security\"", raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Dashboard_without_allowed_cidrs_is_open()
    {
        var dashboard = Route(Routes(Adapt(TestSpecs.Ec2Dev)), "dashboard.dev.convex.example.com");
        Assert.DoesNotContain("remote_ip", dashboard.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(Handlers(dashboard, "static_response"), h => h.GetProperty("status_code").ToString() == "403");
    }

    [Fact]
    public void Access_logs_drop_authorization_and_cookies_and_https_redirects_stay_on()
    {
        var config = Adapt(TestSpecs.Ec2Prod);
        var raw = config.GetRawText();

        var filters = config.GetProperty("logging").GetProperty("logs").EnumerateObject()
            .Where(log => log.Value.TryGetProperty("encoder", out var e) && e.GetProperty("format").GetString() == "filter")
            .Select(log => log.Value.GetProperty("encoder").GetProperty("fields"))
            .ToList();
        Assert.NotEmpty(filters);
        foreach (var fields in filters)
        {
            Assert.Equal("delete", fields.GetProperty("request>headers>Authorization").GetProperty("filter").GetString());
            Assert.Equal("delete", fields.GetProperty("request>headers>Cookie").GetProperty("filter").GetString());
        }

        Assert.DoesNotContain("automatic_https", raw, StringComparison.Ordinal);
        Assert.Contains("\"email\":\"ops@example.com\"", raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.example.com {\n}")]
    [InlineData("API.EXAMPLE.COM")]
    [InlineData("api example.com")]
    public void Rejects_hostnames_caddy_would_read_as_syntax(string hostname)
    {
        var spec = TestSpecs.Ec2Dev with { Endpoints = TestSpecs.Ec2Dev.Endpoints with { ApiHostname = hostname } };
        var error = Assert.Throws<ArgumentException>(() => Caddyfile.Render(spec));
        Assert.Contains("api hostname", error.Message, StringComparison.Ordinal);
        Assert.Contains("Example:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_proxy_holds_requests_while_its_upstream_restarts()
    {
        var routes = Routes(Adapt(TestSpecs.Ec2Prod));

        // API, HTTP actions and dashboard: Caddy's JSON names the Caddyfile's lb_try_duration/lb_try_interval
        // load_balancing.try_duration/try_interval, in nanoseconds.
        var proxies = Handlers(JsonDocument.Parse(JsonSerializer.Serialize(routes)).RootElement, "reverse_proxy");
        Assert.Equal(3, proxies.Count);
        Assert.All(proxies, proxy =>
        {
            var balancing = proxy.GetProperty("load_balancing");
            Assert.Equal(Caddyfile.RetryWindowSeconds * 1_000_000_000L, balancing.GetProperty("try_duration").GetInt64());
            Assert.Equal(Caddyfile.RetryIntervalMilliseconds * 1_000_000L, balancing.GetProperty("try_interval").GetInt64());
        });
    }

    [Fact]
    public void Rejects_non_ec2_targets()
    {
        Assert.Throws<ArgumentException>(() => Caddyfile.Render(TestSpecs.EcsStaging));
    }

    private static JsonElement Adapt(Core.Spec.DeploymentSpec spec)
    {
        using var dir = new TempDir();
        var file = dir.Write("Caddyfile", Caddyfile.Render(spec));
        var result = ExternalTool.Check("caddy", "adapt", "--config", file, "--adapter", "caddyfile");
        return JsonDocument.Parse(result.Stdout).RootElement.Clone();
    }

    private static List<JsonElement> Routes(JsonElement config) =>
        config.GetProperty("apps").GetProperty("http").GetProperty("servers").EnumerateObject()
            .SelectMany(server => server.Value.GetProperty("routes").EnumerateArray())
            .ToList();

    private static JsonElement Route(List<JsonElement> routes, string host) =>
        routes.Single(r => r.GetProperty("match").EnumerateArray()
            .Any(m => m.GetProperty("host").EnumerateArray().Any(h => h.GetString() == host)));

    /// <summary>Every handler of a module type anywhere below a route (subroutes included).</summary>
    private static List<JsonElement> Handlers(JsonElement node, string type)
    {
        var found = new List<JsonElement>();
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                if (element.TryGetProperty("handler", out var handler) && handler.GetString() == type)
                {
                    found.Add(element);
                }

                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(node);
        return found;
    }

    private static List<string?> Upstreams(JsonElement route) =>
        Handlers(route, "reverse_proxy").SelectMany(h => h.GetProperty("upstreams").EnumerateArray())
            .Select(u => u.GetProperty("dial").GetString()).ToList();
}
