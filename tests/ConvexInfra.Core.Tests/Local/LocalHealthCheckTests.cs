using System.Net;
using System.Net.Sockets;
using ConvexInfra.Core.Local;
using ConvexInfra.Core.Tests.Tools;

namespace ConvexInfra.Core.Tests.Local;

/// <summary>
/// Docker runs a health check inside the container, so its program must be in the image. With <c>Wait = true</c> a
/// check that cannot run keeps the container "starting" until <c>pulumi up</c> times out.
/// </summary>
public sealed class LocalHealthCheckTests
{
    /// <summary>
    /// Programs each image certainly has. Backend: Ubuntu Noble with curl installed (Dockerfile.backend). Dashboard:
    /// a Node.js server image, built on a Node alpine base without curl at the pinned revision, so only node is
    /// certain. Postgres: the official image ships pg_isready.
    /// </summary>
    private static readonly Dictionary<LocalRole, string[]> ProgramsInImage = new()
    {
        [LocalRole.Backend] = ["curl"],
        [LocalRole.Dashboard] = ["node"],
        [LocalRole.Postgres] = ["pg_isready"],
    };

    [Fact]
    public void Every_health_check_runs_a_program_its_image_certainly_has()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Postgres());

        Assert.Equal(3, plan.Containers.Count);
        Assert.All(plan.Containers, c =>
        {
            Assert.Equal("CMD", c.HealthCheck.Test[0]);
            Assert.Contains(c.HealthCheck.Test[1], ProgramsInImage[c.Role]);
        });
    }

    [Fact]
    public void The_compose_preview_uses_the_same_dashboard_check()
    {
        var plan = LocalPlanner.Plan(LocalTestSpecs.Sqlite());
        var compose = LocalCompose.Render(plan);
        var dashboard = compose[compose.IndexOf("  dashboard:\n", StringComparison.Ordinal)..];
        var test = dashboard.Split('\n').First(line => line.TrimStart().StartsWith("test:", StringComparison.Ordinal));

        Assert.StartsWith("      test: [\"CMD\", \"node\", \"-e\", ", test, StringComparison.Ordinal);
        Assert.DoesNotContain("curl", test, StringComparison.Ordinal);
        Assert.EndsWith("\"http://127.0.0.1:6791/\"]", test, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_check_passes_on_a_2xx_and_fails_on_an_error_or_no_server()
    {
        var check = LocalPlanner.Plan(LocalTestSpecs.Sqlite()).Dashboard.HealthCheck.Test;
        Assert.Equal("node", check[1]);

        using (var ok = Server.Answering(HttpStatusCode.OK))
        {
            Assert.Equal(0, await RunAsync(check, ok.Url));
        }

        using (var failing = Server.Answering(HttpStatusCode.ServiceUnavailable))
        {
            Assert.NotEqual(0, await RunAsync(check, failing.Url));
        }

        Assert.NotEqual(0, await RunAsync(check, $"http://127.0.0.1:{Server.FreePort()}/"));
    }

    /// <summary>Runs the check as Docker would (without "CMD"), pointed at <paramref name="url"/> instead of 6791.</summary>
    private static Task<int> RunAsync(IReadOnlyList<string> check, string url)
    {
        Assert.Equal("http://127.0.0.1:6791/", check[^1]);
        var arguments = check.Skip(2).SkipLast(1).Append(url).ToList();
        return Task.Run(() => ExternalTool.Run(check[1], arguments, timeout: TimeSpan.FromSeconds(30)).ExitCode);
    }

    /// <summary>A loopback HTTP server that answers every request with one status.</summary>
    private sealed class Server : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly CancellationTokenSource _stop = new();

        private Server(HttpStatusCode status)
        {
            var port = FreePort();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
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

                    context.Response.StatusCode = (int)status;
                    context.Response.Close();
                }
            });
        }

        public string Url { get; }

        public static Server Answering(HttpStatusCode status) => new(status);

        public static int FreePort()
        {
            using var socket = new TcpListener(IPAddress.Loopback, 0);
            socket.Start();
            return ((IPEndPoint)socket.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Close();
            _stop.Dispose();
        }
    }
}
