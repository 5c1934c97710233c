using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>
/// A loopback HTTP server answering the backend's environment-variable endpoints like the real one
/// (crates/local_backend environment_variables.rs and the _system/cli/queryEnvironmentVariables query),
/// holding the variables in memory and recording every request.
/// </summary>
public sealed class FakeEnvBackend : IAsyncDisposable
{
    public const string AdminKey = "convex-test|01" + "00112233445566778899aabbccddeeff";

    private readonly LoopbackServer server;
    private readonly ConcurrentQueue<Recorded> requests = new();
    private int versionRequests;

    private FakeEnvBackend(LoopbackServer server, int startingVersionAnswers) => (this.server, StartingVersionAnswers) = (server, startingVersionAnswers);

    public sealed record Recorded(string Method, string Path, string? Authorization, string Body);

    public SortedDictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);
    public int StartingVersionAnswers { get; }
    public IReadOnlyList<Recorded> Requests => [.. requests];
    public IReadOnlyList<Recorded> Updates => Requests.Where(r => r.Path == "/api/update_environment_variables").ToList();
    public string Url => server.Url("127.0.0.1");

    public static async Task<FakeEnvBackend> StartAsync(int startingVersionAnswers = 0)
    {
        FakeEnvBackend? backend = null;
        var server = await LoopbackServer.StartAsync(context => backend!.HandleAsync(context));
        backend = new FakeEnvBackend(server, startingVersionAnswers);
        return backend;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var path = context.Request.Path.Value ?? "";
        requests.Enqueue(new Recorded(context.Request.Method, path, context.Request.Headers.Authorization.FirstOrDefault(), body));

        if (path == "/version" && context.Request.Method == "GET")
        {
            var starting = Interlocked.Increment(ref versionRequests) <= StartingVersionAnswers;
            context.Response.StatusCode = starting ? 503 : 200;
            await context.Response.WriteAsync(starting ? "starting" : "unknown");
            return;
        }

        if (context.Request.Method != "POST" || path is not ("/api/query" or "/api/update_environment_variables"))
        {
            context.Response.StatusCode = 404;
            return;
        }

        if (context.Request.Headers.Authorization.FirstOrDefault() != $"Convex {AdminKey}")
        {
            await ErrorAsync(context, 401, "BadAdminKey", "The provided admin key was invalid for this instance");
            return;
        }

        using var json = JsonDocument.Parse(body);
        if (path == "/api/query")
        {
            if (json.RootElement.GetProperty("path").GetString() != "_system/cli/queryEnvironmentVariables")
            {
                await ErrorAsync(context, 404, "UdfNotFound", "no such function");
                return;
            }

            var value = Variables.Select(pair => new { name = pair.Key, value = pair.Value }).ToList();
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "success", value }));
            return;
        }

        lock (Variables)
        {
            foreach (var change in json.RootElement.GetProperty("changes").EnumerateArray())
            {
                var name = change.GetProperty("name").GetString()!;
                if (change.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String)
                {
                    Variables[name] = v.GetString()!;
                }
                else
                {
                    Variables.Remove(name);
                }
            }
        }

        context.Response.StatusCode = 200;
    }

    private static async Task ErrorAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { code, message }));
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
