using System.Net;
using ConvexInfra.Core.Containers;
using ConvexInfra.Core.Ecs;
using ConvexInfra.Core.Rendering;
using ConvexInfra.Core.Tests.Fixtures;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Rendering;

/// <summary>
/// The backend's internal endpoints (<see cref="InternalEndpoints"/>) through the REAL Caddy on loopback, with a fake
/// upstream: 404 on every hostname, never forwarded, while other paths still reach the upstream.
/// </summary>
public class InternalEndpointsCaddyTests
{
    [Fact]
    public void Metrics_is_the_internal_endpoint_of_the_pinned_backend()
    {
        Assert.Equal(["/metrics"], InternalEndpoints.PathPrefixes);
        Assert.Contains("crates/common/src/http/mod.rs:666", InternalEndpoints.All.Single().Source, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(TestSpecs.Ec2Names), MemberType = typeof(TestSpecs))]
    public async Task Ec2_caddy_answers_404_for_metrics_on_every_hostname(string stack)
    {
        var spec = TestSpecs.Named(stack);
        using var upstream = new FakeUpstream();
        var https = RealCaddy.FreePort();
        var http = RealCaddy.FreePort();
        using var caddy = RealCaddy.Start(RealCaddy.OnLoopback(Caddyfile.Render(spec), upstream.Port, upstream.Port, http, https), https);
        using var client = RealCaddy.ClientTo(https);
        var endpoints = spec.Endpoints;

        foreach (var host in new[] { endpoints.ApiHostname, endpoints.SiteHostname, endpoints.DashboardHostname })
        {
            foreach (var path in new[] { "/metrics", "/metrics/", "/metrics?format=prometheus", "/metricsx" })
            {
                using var response = await client.GetAsync(new Uri($"https://{host}:{https}{path}"));
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{host}{path}: {(int)response.StatusCode}\n{caddy.Log}");
            }
        }

        Assert.DoesNotContain(upstream.Paths, p => p.Contains("metrics", StringComparison.Ordinal));

        // The same Caddy forwards everything else: the 404 above is the block, not a broken proxy.
        using (var version = await client.GetAsync(new Uri($"https://{endpoints.ApiHostname}:{https}/version")))
        {
            Assert.Equal(HttpStatusCode.OK, version.StatusCode);
        }

        using (var action = await client.GetAsync(new Uri($"https://{endpoints.SiteHostname}:{https}/hook")))
        {
            Assert.Equal("upstream saw /http/hook", await action.Content.ReadAsStringAsync());
        }

        Assert.Contains("/version", upstream.Paths);
    }

    [Fact]
    public async Task Ecs_site_proxy_answers_404_for_metrics_and_forwards_the_rest()
    {
        using var upstream = new FakeUpstream();
        var site = RealCaddy.FreePort();
        var health = RealCaddy.FreePort();
        var config = SiteProxyCaddyfile.Render(TestSpecs.EcsStaging)
            .Replace("\tadmin off\n", "\tadmin off\n\tdefault_bind 127.0.0.1\n", StringComparison.Ordinal)
            .Replace($":{EcsContainers.SiteProxyPort} {{", $":{site} {{", StringComparison.Ordinal)
            .Replace($":{EcsContainers.ProxyHealthPort} {{", $":{health} {{", StringComparison.Ordinal)
            .Replace($"127.0.0.1:{EcsContainers.ApiPort}", $"127.0.0.1:{upstream.Port}", StringComparison.Ordinal);
        using var caddy = RealCaddy.Start(config, site);
        using var client = RealCaddy.ClientTo(site);

        foreach (var path in new[] { "/metrics", "/metrics/x" })
        {
            using var response = await client.GetAsync(new Uri($"http://{TestSpecs.EcsStaging.Endpoints.SiteHostname}{path}"));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}\n{caddy.Log}");
        }

        using var action = await client.GetAsync(new Uri($"http://{TestSpecs.EcsStaging.Endpoints.SiteHostname}/hook"));
        Assert.Equal("upstream saw /http/hook", await action.Content.ReadAsStringAsync());
        Assert.DoesNotContain(upstream.Paths, p => p.Contains("metrics", StringComparison.Ordinal));
    }
}
