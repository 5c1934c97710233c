using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ConvexInfra.Core.Ops;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Ops;

/// <summary>
/// The real relay script under the real Node, between a loopback server that answers like the backend's /metrics (a
/// counter, a gauge and a VMHistogram as the get-convex/rust-prometheus text encoder writes it) and an HTTP client in the
/// agent's place.
/// </summary>
public sealed class MetricsRelayTests
{
    private const string Backend = """
        # HELP application_function_runner_total_seconds The total time it took to execute a function.
        # TYPE application_function_runner_total_seconds vmhistogram
        application_function_runner_total_seconds_bucket{status="success",udf_type="query",env_type="isolate",vmrange="1.000e-03...1.136e-03"} 3
        application_function_runner_total_seconds_bucket{status="error",udf_type="mutation",env_type="isolate",vmrange="2.154e-01...2.448e-01"} 1
        application_function_runner_total_seconds_sum{status="success",udf_type="query",env_type="isolate"} 0.0031
        application_function_runner_total_seconds_count{status="success",udf_type="query",env_type="isolate"} 3
        application_function_runner_total_seconds_sum{status="error",udf_type="mutation",env_type="isolate"} 0.22
        application_function_runner_total_seconds_count{status="error",udf_type="mutation",env_type="isolate"} 1
        # HELP scheduled_job_backlog_seconds Age of the oldest runnable scheduled job
        # TYPE scheduled_job_backlog_seconds gauge
        scheduled_job_backlog_seconds 42
        # HELP udf_executor_result_total Number of queries against the module cache
        # TYPE udf_executor_result_total counter
        udf_executor_result_total{udf_type="mutation",result="success"} 7

        """;

    [Fact]
    public async Task Vmhistograms_become_summaries_without_buckets_and_everything_else_passes_unchanged()
    {
        using var upstream = new FakeBackend(HttpStatusCode.OK, Backend);
        var (status, body) = await RelayAsync(upstream.Url);

        Assert.Equal(200, status);
        Assert.DoesNotContain("vmhistogram", body, StringComparison.Ordinal);
        Assert.DoesNotContain("_bucket", body, StringComparison.Ordinal);
        Assert.Contains("# TYPE application_function_runner_total_seconds summary\n", body, StringComparison.Ordinal);
        Assert.Contains("application_function_runner_total_seconds_count{status=\"error\",udf_type=\"mutation\",env_type=\"isolate\"} 1\n", body, StringComparison.Ordinal);
        var kept = Backend.Split('\n').Where(l => !l.Contains("_bucket{", StringComparison.Ordinal) && !l.Contains("vmhistogram", StringComparison.Ordinal));
        Assert.Equal(string.Join('\n', kept), body.Replace("# TYPE application_function_runner_total_seconds summary\n", string.Empty, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_backend_that_refuses_metrics_is_a_502_so_the_scrape_fails_visibly()
    {
        using var upstream = new FakeBackend(HttpStatusCode.NotFound, "{\"code\":\"MetricsDisabled\"}");
        var (status, body) = await RelayAsync(upstream.Url);

        Assert.Equal(502, status);
        Assert.Contains("404", body, StringComparison.Ordinal);
    }

    [Fact]
    public void The_relay_runs_with_the_node_of_the_backend_image_and_listens_where_the_agent_scrapes()
    {
        Assert.Equal(["node", "-e", MetricsRelay.Script], MetricsRelay.EntryPoint);
        var env = MetricsRelay.Environment("127.0.0.1:3210", "127.0.0.1").ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal("http://127.0.0.1:3210/metrics", env["RELAY_UPSTREAM"]);
        Assert.Equal(AppMetrics.Target, $"{env["RELAY_HOST"]}:{env["RELAY_PORT"]}");
        Assert.DoesNotContain('\r', MetricsRelay.Script);
    }

    private static async Task<(int Status, string Body)> RelayAsync(string upstream)
    {
        var port = FreePort();
        var info = new ProcessStartInfo(ExternalTool.Require("node")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in MetricsRelay.EntryPoint.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["RELAY_UPSTREAM"] = upstream;
        info.Environment["RELAY_HOST"] = "127.0.0.1";
        info.Environment["RELAY_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var relay = Process.Start(info)!;
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
                    return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
                }
                catch (HttpRequestException) when (DateTime.UtcNow < deadline && !relay.HasExited)
                {
                    await Task.Delay(100);
                }
            }
        }
        finally
        {
            relay.Kill();
            await relay.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Answers every request with one status and body, like the backend's /metrics.</summary>
    private sealed class FakeBackend : IDisposable
    {
        private readonly HttpListener _listener = new();

        public FakeBackend(HttpStatusCode status, string body)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/metrics";
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    HttpListenerContext context;
                    try
                    {
                        context = await _listener.GetContextAsync();
                    }
                    catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                    {
                        return;
                    }

                    var bytes = Encoding.UTF8.GetBytes(body);
                    context.Response.StatusCode = (int)status;
                    await context.Response.OutputStream.WriteAsync(bytes);
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public void Dispose() => _listener.Close();
    }
}
