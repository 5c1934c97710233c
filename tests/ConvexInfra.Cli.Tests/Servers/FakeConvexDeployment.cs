using System.Net.WebSockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>How the loopback "deployment" behaves: healthy by default, each knob a real misconfiguration.</summary>
public sealed record BackendBehavior
{
    public const string DefaultName = "convex-test";
    public const string DefaultKey = DefaultName + "|01" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff00112233";

    public string InstanceName { get; init; } = DefaultName;
    public string AcceptedKey { get; init; } = DefaultKey;
    public bool Websocket { get; init; } = true;
    public int SiteStatus { get; init; } = 404;
    public bool SiteAnswersLikeApi { get; init; }
    public bool Redirect { get; init; } = true;

    /// <summary>The proxy forwards the backend's /metrics (as before issue 20): Prometheus text with 200, on every host.</summary>
    public bool MetricsPublic { get; init; }
    public bool Https { get; init; } = true;
    public string CertificateName { get; init; } = "localhost";
    public double CertificateDays { get; init; } = 90;

    /// <summary>What <c>_system/cli/modules:apiSpec</c> lists: function identifiers (empty: nothing was ever deployed).</summary>
    public IReadOnlyList<string> Functions { get; init; } = ["messages.js:list", "messages.js:send"];

    /// <summary>The first N /version requests answer 503, like a backend still starting behind its proxy.</summary>
    public int StartingVersionAnswers { get; init; }

    /// <summary>When set, decides which admin keys the deployment accepts instead of <see cref="AcceptedKey"/> (a key issued at run time).</summary>
    public Func<string, bool>? KeyCheck { get; init; }

    public bool Accepts(string authorization) =>
        authorization.StartsWith("Convex ", StringComparison.Ordinal)
        && (KeyCheck is { } check ? check(authorization["Convex ".Length..]) : authorization == "Convex " + AcceptedKey);
}

/// <summary>
/// API, HTTP actions and dashboard origins plus a plain-HTTP redirect listener, each a Kestrel server on
/// loopback, answering like a self-hosted Convex backend (paths, status codes and error bodies of the real one).
/// </summary>
public sealed partial class FakeConvexDeployment : IAsyncDisposable
{
    private readonly List<LoopbackServer> servers = [];
    private int versionRequests;
    private System.Security.Cryptography.X509Certificates.X509Certificate2? certificate;

    private FakeConvexDeployment(BackendBehavior behavior) => Behavior = behavior;

    public BackendBehavior Behavior { get; }
    public LoopbackServer Api => servers[0];
    public LoopbackServer Site => servers[1];
    public LoopbackServer Dashboard => servers[2];
    public LoopbackServer HttpRedirect => servers[3];

    public static async Task<FakeConvexDeployment> StartAsync(TestCertificates certificates, BackendBehavior? behavior = null)
    {
        var deployment = new FakeConvexDeployment(behavior ?? new BackendBehavior());
        var b = deployment.Behavior;
        // Kestrel reads the certificate on each handshake: it lives as long as the deployment.
        var certificate = b.Https ? certificates.Server(b.CertificateName, b.CertificateDays) : null;
        deployment.certificate = certificate;
        deployment.servers.Add(await LoopbackServer.StartAsync(deployment.ApiAsync, certificate));
        deployment.servers.Add(await LoopbackServer.StartAsync(deployment.SiteAsync, certificate));
        deployment.servers.Add(await LoopbackServer.StartAsync(DashboardAsync, certificate));
        deployment.servers.Add(await LoopbackServer.StartAsync(deployment.RedirectAsync));
        return deployment;
    }

    /// <summary>What <c>pulumi stack output --json --show-secrets</c> would print for this deployment.</summary>
    public string OutputsJson(string? adminKey = null, string? instanceName = null) => JsonSerializer.Serialize(new Dictionary<string, string>
    {
        ["apiUrl"] = Api.Url(),
        ["siteUrl"] = Site.Url(),
        ["dashboardUrl"] = Dashboard.Url(),
        ["adminKey"] = adminKey ?? Behavior.AcceptedKey,
        ["instanceName"] = instanceName ?? Behavior.InstanceName,
        ["stack"] = "test",
        ["target"] = "local",
        ["tier"] = "dev",
        ["region"] = "",
        ["imageRevision"] = "0123456789abcdef0123456789abcdef01234567",
    });

    public async ValueTask DisposeAsync()
    {
        foreach (var server in servers)
        {
            await server.DisposeAsync();
        }

        certificate?.Dispose();
    }

    private const string PrometheusText = "# HELP convex_backend_requests_total Requests\n# TYPE convex_backend_requests_total counter\nconvex_backend_requests_total 7\n";

    private async Task ApiAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith("/metrics", StringComparison.Ordinal))
        {
            await (Behavior.MetricsPublic ? Text(context, 200, PrometheusText) : Text(context, 404, "Not Found"));
        }
        else if (path == "/version")
        {
            var starting = Interlocked.Increment(ref versionRequests) <= Behavior.StartingVersionAnswers;
            await Text(context, starting ? 503 : 200, starting ? "upstream connect error" : "1.0.0-test");
        }
        else if (path == "/instance_name")
        {
            await Text(context, 200, Behavior.InstanceName);
        }
        else if (path == "/api/check_admin_key")
        {
            await CheckAdminKeyAsync(context);
        }
        else if (path == "/api/query" && context.Request.Method == "POST")
        {
            await QueryAsync(context);
        }
        else if (path == "/api/update_environment_variables" && context.Request.Method == "POST")
        {
            await UpdateEnvAsync(context);
        }
        else if (SyncPath().IsMatch(path) && Behavior.Websocket && context.WebSockets.IsWebSocketRequest)
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[1024];
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
            }
        }
        else if (path == "/")
        {
            await Text(context, 200, "This Convex deployment is running. See https://docs.convex.dev/.");
        }
        else
        {
            await Text(context, 404, "Not found");
        }
    }

    // As crates/local_backend: 200 {"success": true, …} for a valid key, 401 {"code": "BadAdminKey", …} otherwise.
    private async Task CheckAdminKeyAsync(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (Behavior.Accepts(header))
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"success":true,"allowedOps":[],"isReadOnly":false}""");
            return;
        }

        context.Response.StatusCode = 401;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}""");
    }

    /// <summary>Bodies of the POST /api/query requests, in order.</summary>
    public List<string> Queries { get; } = [];

    // As crates/local_backend's /api/query: 401 BadAdminKey for a wrong key; {"status":"success","value":[…]} with
    // apiSpec's entries (npm-packages/system-udfs/convex/_system/cli/modules.ts), plus one HTTP route when deployed.
    private async Task QueryAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        lock (Queries)
        {
            Queries.Add(body);
        }

        context.Response.ContentType = "application/json";
        if (!Behavior.Accepts(context.Request.Headers.Authorization.ToString()))
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}""");
            return;
        }

        using var request = JsonDocument.Parse(body);
        var function = request.RootElement.GetProperty("path").GetString();
        var args = request.RootElement.GetProperty("args")[0];
        // As _system/cli/tables (one page of {name}), _system/cli/tableSize ({tableName} → count) and
        // _system/frontend/fileStorageV2:numFiles (→ count) at the pinned revision.
        if (function == "_system/cli/tables")
        {
            List<object> page;
            lock (Tables)
            {
                page = Tables.Keys.Select(name => (object)new { name }).ToList();
            }

            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value = new { page, isDone = true, continueCursor = "end" }, logLines = Array.Empty<string>() }));
            return;
        }

        if (function == "_system/cli/tableSize")
        {
            long count;
            lock (Tables)
            {
                count = Tables.GetValueOrDefault(args.GetProperty("tableName").GetString()!);
            }

            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value = (double)count, logLines = Array.Empty<string>() }));
            return;
        }

        if (function == "_system/frontend/fileStorageV2:numFiles")
        {
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value = (double)Files, logLines = Array.Empty<string>() }));
            return;
        }

        if (function == "_system/cli/queryEnvironmentVariables")
        {
            List<object> variables;
            lock (Variables)
            {
                variables = Variables.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => (object)new { name = v.Key, value = v.Value }).ToList();
            }

            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value = variables, logLines = Array.Empty<string>() }));
            return;
        }

        var entries = Behavior.Functions.Select(f => (object)new { identifier = f, functionType = "Query", visibility = new { kind = "public" }, args = new { type = "any" } }).ToList();
        if (entries.Count > 0)
        {
            entries.Add(new { functionType = "HttpAction", method = "GET", path = "/health" });
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value = entries, logLines = Array.Empty<string>() }));
    }

    /// <summary>User tables and their document counts, as the count queries see them.</summary>
    public Dictionary<string, long> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Stored files, as numFiles counts them.</summary>
    public long Files { get; set; }

    /// <summary>The deployment's environment variables, as the env endpoints see and change them.</summary>
    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    // As crates/local_backend's /api/update_environment_variables: {"changes":[{"name","value"|null}]}, null unsets.
    private async Task UpdateEnvAsync(HttpContext context)
    {
        if (!Behavior.Accepts(context.Request.Headers.Authorization.ToString()))
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"code":"BadAdminKey","message":"The provided admin key was invalid for this instance"}""");
            return;
        }

        using var document = await JsonDocument.ParseAsync(context.Request.Body);
        lock (Variables)
        {
            foreach (var change in document.RootElement.GetProperty("changes").EnumerateArray())
            {
                var name = change.GetProperty("name").GetString()!;
                if (change.GetProperty("value").ValueKind == JsonValueKind.Null)
                {
                    Variables.Remove(name);
                }
                else
                {
                    Variables[name] = change.GetProperty("value").GetString()!;
                }
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{}");
    }

    private Task SiteAsync(HttpContext context) => Behavior.MetricsPublic && context.Request.Path.StartsWithSegments("/metrics")
        ? Text(context, 200, PrometheusText)
        : Behavior.SiteAnswersLikeApi
        ? Text(context, 200, "This Convex deployment is running. See https://docs.convex.dev/.")
        : Text(context, Behavior.SiteStatus, Behavior.SiteStatus == 404 ? "No matching routes found" : "Bad Gateway");

    // Next.js answers its own 404 page for unknown paths.
    private static Task DashboardAsync(HttpContext context)
    {
        context.Response.ContentType = "text/html";
        if (context.Request.Path.Value is not ("/" or ""))
        {
            context.Response.StatusCode = 404;
            return context.Response.WriteAsync("<!DOCTYPE html><html><body>404: This page could not be found.</body></html>");
        }

        return context.Response.WriteAsync("<!DOCTYPE html><html><body>Convex dashboard</body></html>");
    }

    private Task RedirectAsync(HttpContext context)
    {
        if (!Behavior.Redirect)
        {
            return Text(context, 200, "plain http content");
        }

        context.Response.StatusCode = 308;
        context.Response.Headers.Location = $"https://{context.Request.Host.Host}:{Api.Port}{context.Request.Path}";
        return Task.CompletedTask;
    }

    private static Task Text(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(body);
    }

    [GeneratedRegex(@"^/api/(\d+\.\d+\.\d+/)?sync$")]
    private static partial Regex SyncPath();
}
