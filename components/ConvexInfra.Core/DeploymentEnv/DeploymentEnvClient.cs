using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ConvexInfra.Core.DeploymentEnv;

/// <summary>A failed call to the backend; the message names the endpoint and status, never a header or value.</summary>
public sealed class DeploymentEnvException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The backend's admin HTTP API for deployment variables, as <c>npx convex env</c> uses it:
/// the system query <c>_system/cli/queryEnvironmentVariables</c> through <c>POST /api/query</c> to list, and
/// <c>POST /api/update_environment_variables</c> with <c>{"changes":[{"name","value"|null}]}</c> to set and unset.
/// Both carry <c>Authorization: Convex &lt;admin key&gt;</c>.
/// </summary>
public sealed class DeploymentEnvClient(HttpClient http, Uri apiUrl, string adminKey)
{
    public const string ListFunction = "_system/cli/queryEnvironmentVariables";
    public const string QueryPath = "/api/query";
    public const string UpdatePath = "/api/update_environment_variables";
    public const string VersionPath = "/version";

    /// <summary>Polls <c>GET /version</c> until it answers 200 or <paramref name="wait"/> runs out.</summary>
    public async Task<string> WaitForVersionAsync(TimeSpan wait, TimeSpan interval, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + wait;
        var last = "no answer yet";
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(Endpoint(VersionPath), cancellationToken);
                var body = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return body.Trim();
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.HttpRequestError.ToString();
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timed out";
            }

            if (DateTimeOffset.UtcNow + interval > deadline)
            {
                throw new DeploymentEnvException($"GET {Endpoint(VersionPath)} did not answer 200 within {wait.TotalSeconds:0} s (last: {last}); is the backend up? Raise --wait to give it longer.");
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    public async Task<IReadOnlyDictionary<string, string>> ListAsync(CancellationToken cancellationToken)
    {
        // args as a one-element array and convex_encoded_json: the shape ConvexHttpClient.query sends.
        var body = JsonSerializer.Serialize(new { path = ListFunction, args = new[] { new { } }, format = "convex_encoded_json" });
        var text = await PostAsync(QueryPath, body, cancellationToken);
        return ParseList(text);
    }

    /// <summary>
    /// Runs one system query (as ConvexHttpClient.query sends it) and returns its <c>value</c>; an error status becomes
    /// an exception naming the function, never the arguments.
    /// </summary>
    public async Task<JsonElement> QueryAsync(string function, object args, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(function);
        var body = JsonSerializer.Serialize(new { path = function, args = new[] { args }, format = "convex_encoded_json" });
        var text = await PostAsync(QueryPath, body, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("status", out var status) || status.GetString() != "success"
                || !root.TryGetProperty("value", out var value))
            {
                var message = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("errorMessage", out var m) ? m.GetString() : "no errorMessage";
                throw new DeploymentEnvException($"{function} failed: {message}");
            }

            return value.Clone();
        }
        catch (JsonException e)
        {
            throw new DeploymentEnvException($"{function}: the answer is not JSON ({e.Message})", e);
        }
    }

    public async Task UpdateAsync(IReadOnlyList<EnvChange> changes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (changes.Count == 0)
        {
            return;
        }

        await PostAsync(UpdatePath, UpdateBody(changes), cancellationToken);
    }

    /// <summary>The request body of the update endpoint; <c>value: null</c> unsets.</summary>
    public static string UpdateBody(IReadOnlyList<EnvChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("changes");
            foreach (var change in changes)
            {
                json.WriteStartObject();
                json.WriteString("name", change.Name);
                if (change.Value is null)
                {
                    json.WriteNull("value");
                }
                else
                {
                    json.WriteString("value", change.Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Reads <c>{"status":"success","value":[{"name","value"}]}</c>; an error status becomes an exception.</summary>
    public static IReadOnlyDictionary<string, string> ParseList(string responseText)
    {
        ArgumentNullException.ThrowIfNull(responseText);
        try
        {
            using var document = JsonDocument.Parse(responseText);
            var root = document.RootElement;
            var status = root.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (status != "success")
            {
                var message = root.TryGetProperty("errorMessage", out var m) ? m.GetString() : "no errorMessage";
                throw new DeploymentEnvException($"{ListFunction} failed: {message}");
            }

            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in root.GetProperty("value").EnumerateArray())
            {
                result[item.GetProperty("name").GetString()!] = item.GetProperty("value").GetString()!;
            }

            return result;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new DeploymentEnvException($"{ListFunction}: unexpected answer shape ({e.GetType().Name}); expected {{\"status\":\"success\",\"value\":[{{\"name\":…,\"value\":…}}]}}", e);
        }
    }

    private async Task<string> PostAsync(string path, string body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint(path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Convex", adminKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new DeploymentEnvException($"POST {Endpoint(path)}: {e.HttpRequestError} ({e.Message})", e);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new DeploymentEnvException($"POST {Endpoint(path)}: HTTP {(int)response.StatusCode} {ErrorSummary(text)}");
            }

            return text;
        }
    }

    /// <summary>The backend answers errors as {"code","message"}; show the code and message, nothing else.</summary>
    private static string ErrorSummary(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var code = document.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
            var message = document.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
            return code is null && message is null ? "(no error details)" : $"{code}: {message}";
        }
        catch (JsonException)
        {
            return "(no error details)";
        }
    }

    private Uri Endpoint(string path) => new(apiUrl, path);
}
