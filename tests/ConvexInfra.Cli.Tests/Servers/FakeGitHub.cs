using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ConvexInfra.Cli.Tests.Servers;

/// <summary>
/// A loopback server answering <c>GET /repos/get-convex/convex-backend/tags</c> as GitHub's REST API does: a JSON array
/// of <c>{ name, zipball_url, tarball_url, commit: { sha, url }, node_id }</c> (no dates), <c>per_page</c> and
/// <c>page</c> query parameters, a <c>Link</c> header with <c>rel="next"</c> and <c>rel="last"</c> while pages remain,
/// and on a used-up rate limit 403 with <c>x-ratelimit-remaining: 0</c> and <c>x-ratelimit-reset</c> in epoch seconds.
/// </summary>
public sealed class FakeGitHub : IAsyncDisposable
{
    private readonly LoopbackServer server;
    private readonly ConcurrentQueue<Recorded> requests = new();

    private FakeGitHub(LoopbackServer server, IReadOnlyList<(string Name, string Sha)> tags) => (this.server, Tags) = (server, tags);

    public sealed record Recorded(string PathAndQuery, string? Authorization, string? UserAgent, string? Accept);

    public IReadOnlyList<(string Name, string Sha)> Tags { get; }

    /// <summary>Answer every request with this status (and GitHub's rate-limit headers when <see cref="RateLimited"/>).</summary>
    public int? FailWith { get; set; }

    public bool RateLimited { get; set; }

    public DateTimeOffset ResetAt { get; set; } = new(2026, 12, 6, 19, 30, 0, TimeSpan.Zero);

    public IReadOnlyList<Recorded> Requests => [.. requests];

    public string Url => server.Url("127.0.0.1");

    public static async Task<FakeGitHub> StartAsync(IReadOnlyList<(string Name, string Sha)> tags)
    {
        FakeGitHub? github = null;
        var server = await LoopbackServer.StartAsync(context => github!.HandleAsync(context));
        github = new FakeGitHub(server, tags);
        return github;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        requests.Enqueue(new Recorded(request.Path + request.QueryString, request.Headers.Authorization.FirstOrDefault(),
            request.Headers.UserAgent.FirstOrDefault(), request.Headers.Accept.FirstOrDefault()));
        context.Response.ContentType = "application/json; charset=utf-8";
        if (RateLimited)
        {
            context.Response.StatusCode = 403;
            context.Response.Headers["x-ratelimit-limit"] = "60";
            context.Response.Headers["x-ratelimit-remaining"] = "0";
            context.Response.Headers["x-ratelimit-reset"] = ResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            await context.Response.WriteAsync("""{"message":"API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)","documentation_url":"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"}""");
            return;
        }

        if (FailWith is { } status)
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(status == 404 ? """{"message":"Not Found"}""" : """{"message":"Server Error"}""");
            return;
        }

        // GitHub's next links name the repository by id (/repositories/ID/tags), not by owner/name.
        if (request.Path != "/repos/get-convex/convex-backend/tags" && request.Path != "/repositories/1234/tags")
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"message":"Not Found"}""");
            return;
        }

        var perPage = int.TryParse(request.Query["per_page"], out var p) ? Math.Clamp(p, 1, 100) : 30;
        var page = int.TryParse(request.Query["page"], out var n) ? n : 1;
        var last = Math.Max(1, (Tags.Count + perPage - 1) / perPage);
        var items = Tags.Skip((page - 1) * perPage).Take(perPage).Select(t => new Dictionary<string, object>
        {
            ["name"] = t.Name,
            ["zipball_url"] = $"{Url}/repos/get-convex/convex-backend/zipball/refs/tags/{t.Name}",
            ["tarball_url"] = $"{Url}/repos/get-convex/convex-backend/tarball/refs/tags/{t.Name}",
            ["commit"] = new Dictionary<string, string> { ["sha"] = t.Sha, ["url"] = $"{Url}/repos/get-convex/convex-backend/commits/{t.Sha}" },
            ["node_id"] = "MDM6UmVm" + t.Sha[..8],
        });
        if (page < last)
        {
            string Link(int target) => $"<{Url}/repositories/1234/tags?per_page={perPage}&page={target}>";
            context.Response.Headers["Link"] = $"{Link(page + 1)}; rel=\"next\", {Link(last)}; rel=\"last\"";
        }

        await context.Response.WriteAsync(JsonSerializer.Serialize(items));
    }

    public async ValueTask DisposeAsync() => await server.DisposeAsync();
}
