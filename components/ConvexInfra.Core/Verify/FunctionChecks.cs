using System.Text.Json;

namespace ConvexInfra.Core.Verify;

/// <summary>
/// The <c>functions</c> check of verify: asks the backend, as an admin, which functions are deployed. It uses the
/// system query the Convex CLI's <c>npx convex function-spec</c> runs (npm-packages/convex/src/cli/functionSpec.ts,
/// <c>runSystemQuery(… "_system/cli/modules:apiSpec" …)</c>), which reads the <c>_modules</c> table
/// (npm-packages/system-udfs/convex/_system/cli/modules.ts): one entry per function (<c>identifier</c> =
/// <c>path:name</c>) and per HTTP route, nothing at all before the first <c>npx convex deploy</c>.
/// </summary>
public static class FunctionChecks
{
    public const string Name = "functions";

    public const string QueryPath = "/api/query";

    public const string ApiSpecFunction = "_system/cli/modules:apiSpec";

    public const string NoneDeployed = "no functions deployed: run npx convex deploy";

    /// <summary>The POST body: args as a one-element array in convex_encoded_json, as ConvexHttpClient.query sends it.</summary>
    public static string RequestBody() =>
        JsonSerializer.Serialize(new { path = ApiSpecFunction, args = new[] { new { } }, format = "convex_encoded_json" });

    /// <param name="seen">The answer to <see cref="RequestBody"/> on <see cref="QueryPath"/>; null when no request was made.</param>
    /// <param name="expectedFunction"><c>--expect-function</c>, e.g. <c>messages:list</c>; null to only require some function.</param>
    public static CheckResult Check(HttpObservation? seen, string? adminKey, string? keyUnavailableReason, string? expectedFunction)
    {
        if (adminKey is null || seen is null)
        {
            return CheckResult.Skip(Name, (keyUnavailableReason ?? "no admin key given (--admin-key or adminKey in the outputs)") + "; deployed functions can only be listed as an admin");
        }

        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(Name, $"POST {QueryPath} ({ApiSpecFunction})", seen.Url, failure, seen.FailureMessage);
        }

        if (seen.Status is 401 or 403)
        {
            return CheckResult.Fail(Name, $"POST {QueryPath} answered {seen.Status}: the admin key was refused, so the functions could not be listed",
                "the admin key does not belong to this deployment (see the admin-key line)",
                "use the stack's admin key: pulumi stack output adminKey --show-secrets");
        }

        var spec = seen.Status == 200 ? ParseSpec(seen.Body) : null;
        if (spec is null)
        {
            return CheckResult.Fail(Name, $"POST {QueryPath} ({ApiSpecFunction}) answered {seen.Status} without a function list",
                "apiUrl reaches something other than a Convex backend, or the backend is too old to have the system query",
                "route the API hostname to the backend's port 3210 and run a current backend image");
        }

        if (spec.Entries == 0)
        {
            return CheckResult.Fail(Name, NoneDeployed,
                "nothing was ever pushed to this backend, so every call fails with \"Could not find public function\"",
                "from the app's folder: convex-infra env --format convex-cli --write .env.local, then npx convex deploy");
        }

        var summary = $"{spec.Functions.Count} function(s) and {spec.Entries - spec.Functions.Count} HTTP route(s) deployed";
        if (expectedFunction is null)
        {
            return CheckResult.Pass(Name, summary);
        }

        var wanted = Normalize(expectedFunction);
        return spec.Functions.Any(f => Normalize(f) == wanted)
            ? CheckResult.Pass(Name, $"{summary}, {expectedFunction} among them")
            : CheckResult.Fail(Name, $"function '{expectedFunction}' is not deployed ({summary}: {Preview(spec.Functions)})",
                "the deployed code is older than the app, or the name is misspelled (module path, then ':', then the export)",
                "npx convex deploy from the app's folder; names look like messages:list or folder/file:name");
    }

    /// <summary>
    /// <c>--allow-no-functions</c>: a backend nothing was deployed to yet (the first deploy of a stack whose app does not
    /// exist yet) is a warning, not a failure. Every other result, an unreadable answer included, stays as it was.
    /// </summary>
    public static CheckResult AllowNoneDeployed(CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result is { Name: Name, Status: CheckStatus.Fail, Detail: NoneDeployed }
            ? CheckResult.Warn(Name, NoneDeployed, "no app was deployed to this stack yet (--allow-no-functions)", result.Fix!)
            : result;
    }

    /// <summary>The identifiers in an <c>/api/query</c> answer; null when it is not a successful answer with a list.</summary>
    public static FunctionSpecSummary? ParseSpec(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String || status.GetString() != "success"
                || !root.TryGetProperty("value", out var value) || value.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var functions = value.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("identifier", out var id) && id.ValueKind == JsonValueKind.String)
                .Select(e => e.GetProperty("identifier").GetString()!)
                .ToList();
            return new FunctionSpecSummary(value.GetArrayLength(), functions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><c>messages.js:list</c>, <c>messages:list</c> and <c>messages.ts:list</c> are one function; a bare module is its default export.</summary>
    public static string Normalize(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        var colon = identifier.LastIndexOf(':');
        var (module, name) = colon < 0 ? (identifier, "default") : (identifier[..colon], identifier[(colon + 1)..]);
        foreach (var extension in new[] { ".js", ".ts", ".jsx", ".tsx", ".mjs", ".cjs" })
        {
            if (module.EndsWith(extension, StringComparison.Ordinal))
            {
                module = module[..^extension.Length];
                break;
            }
        }

        return module.Replace('\\', '/').Trim('/') + ":" + name;
    }

    private static string Preview(IReadOnlyList<string> functions) =>
        string.Join(", ", functions.Take(5)) + (functions.Count > 5 ? $", … {functions.Count - 5} more" : string.Empty);
}

/// <summary>What <c>apiSpec</c> returned: every entry (functions and HTTP routes) and the function identifiers.</summary>
public sealed record FunctionSpecSummary(int Entries, IReadOnlyList<string> Functions);
