using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Core.Ops;

namespace ConvexInfra.Cli.Releases;

/// <summary>
/// Reads every tag of get-convex/convex-backend from GitHub's REST API, <c>GET /repos/{owner}/{repo}/tags</c>.
/// What it relies on, as GitHub documents it:
/// <list type="bullet">
/// <item>each tag is <c>{ "name", "commit": { "sha", "url" }, "zipball_url", "tarball_url", "node_id" }</c>: no date
/// (the REST description's <c>tag</c> schema; an example answer in github/docs issue #40396);</item>
/// <item>pages: <c>per_page</c> up to 100, the next page's URL in the <c>Link</c> header with <c>rel="next"</c>;</item>
/// <item>a used-up primary rate limit answers 403 or 429 with <c>x-ratelimit-remaining: 0</c> and
/// <c>x-ratelimit-reset</c> in UTC epoch seconds (docs.github.com, "Troubleshooting the REST API", Rate limit errors);
/// a token raises the limit from 60 to 5,000 requests an hour.</item>
/// </list>
/// The token goes only into the Authorization header; no message ever prints it.
/// </summary>
public sealed class GitHubTags(HttpClient http, Uri apiBase, string? token)
{
    public const string DefaultApiUrl = "https://api.github.com";

    /// <summary>The environment variable that overrides the API's base URL (tests, GitHub Enterprise mirrors).</summary>
    public const string ApiUrlVariable = "CONVEX_INFRA_GITHUB_API_URL";

    /// <summary>The repository has about 1,050 tags (11 pages); more than this many pages means a server that loops.</summary>
    public const int MaxPages = 50;

    public int Requests { get; private set; }

    public async Task<IReadOnlyList<UpstreamTag>> ListAsync(CancellationToken cancellationToken)
    {
        var tags = new List<UpstreamTag>();
        Uri? next = new(apiBase, $"repos/{UpstreamReleases.Repository}/tags?per_page=100");
        for (var page = 1; next is not null; page++)
        {
            if (page > MaxPages)
            {
                throw new InputException($"GitHub's tags API at {apiBase} kept sending a next page after {MaxPages} pages; expected about 11");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("convex-infra", CliApp.Version.Split('+')[0]));
            request.Headers.Add("X-GitHub-Api-Version", "2022-11-28");
            if (!string.IsNullOrEmpty(token))
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            Requests++;
            using var response = await Send(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InputException(Failure(response, body));
            }

            tags.AddRange(Parse(body, next));
            next = NextPage(response, next);
        }

        return tags;
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new InputException($"GitHub's API at {apiBase} did not answer ({e.Message}); check the network, or set {ApiUrlVariable} / --api-url to a reachable mirror");
        }
    }

    private string Failure(HttpResponseMessage response, string body)
    {
        var status = (int)response.StatusCode;
        var remaining = Header(response, "x-ratelimit-remaining");
        if (status is 403 or 429 && remaining == "0")
        {
            var reset = long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var epoch)
                ? DateTimeOffset.FromUnixTimeSeconds(epoch).ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
                : "an unknown time";
            var limit = Header(response, "x-ratelimit-limit") ?? "?";
            return string.IsNullOrEmpty(token)
                ? $"GitHub's API rate limit for this address is used up ({limit} requests an hour without a token); it resets at {reset}. " +
                  "Set GITHUB_TOKEN to a token (no scopes needed for public repositories) for 5,000 requests an hour, or try again then"
                : $"GitHub's API rate limit for the token in GITHUB_TOKEN is used up ({limit} requests an hour); it resets at {reset}; try again then";
        }

        var message = ErrorMessage(body);
        return status switch
        {
            401 => $"GitHub's API refused the token in GITHUB_TOKEN (401{message}); renew it or unset GITHUB_TOKEN",
            403 => $"GitHub's API refused the request (403{message}); if it names a secondary rate limit, wait a minute and retry",
            404 => $"GitHub's API at {apiBase} has no repository {UpstreamReleases.Repository} (404{message}); check --api-url / {ApiUrlVariable}",
            _ => $"GitHub's API at {apiBase} answered {status} {response.ReasonPhrase}{message}; try again later",
        };
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static string ErrorMessage(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                ? $": {m.GetString()}"
                : string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }

    private static List<UpstreamTag> Parse(string body, Uri page)
    {
        var expected = $"GitHub's tags API answered {page} with something other than a JSON array of {{\"name\", \"commit\": {{\"sha\"}}}}";
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new InputException(expected);
            }

            var tags = new List<UpstreamTag>();
            foreach (var item in json.RootElement.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object ||
                    !item.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String ||
                    !item.TryGetProperty("commit", out var commit) || commit.ValueKind != JsonValueKind.Object ||
                    !commit.TryGetProperty("sha", out var sha) || sha.ValueKind != JsonValueKind.String)
                {
                    throw new InputException(expected);
                }

                tags.Add(new UpstreamTag(name.GetString()!, sha.GetString()!));
            }

            return tags;
        }
        catch (JsonException)
        {
            throw new InputException(expected);
        }
    }

    /// <summary>The <c>rel="next"</c> URL of an RFC 8288 Link header, resolved against the page; null on the last page.</summary>
    internal static Uri? NextPage(HttpResponseMessage response, Uri page)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        foreach (var link in string.Join(',', values).Split(','))
        {
            var parts = link.Split(';', StringSplitOptions.TrimEntries);
            if (parts.Length > 1 && parts[0].StartsWith('<') && parts[0].EndsWith('>') &&
                parts.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal) is "rel=\"next\"" or "rel=next"))
            {
                return new Uri(page, parts[0][1..^1]);
            }
        }

        return null;
    }

    /// <summary>The API base from --api-url, else the environment variable, else GitHub's.</summary>
    public static Uri BaseUri(string? option, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        var text = option ?? console.GetEnvironmentVariable(ApiUrlVariable) ?? DefaultApiUrl;
        var source = option is not null ? "--api-url" : text == DefaultApiUrl ? "the default API URL" : ApiUrlVariable;
        if (!Uri.TryCreate(text.EndsWith('/') ? text : text + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new UsageException($"{source}: got '{text}'; expected an http(s) URL such as {DefaultApiUrl}");
        }

        return uri;
    }
}
