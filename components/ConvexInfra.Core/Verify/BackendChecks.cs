using System.Text.Json;

namespace ConvexInfra.Core.Verify;

/// <summary>Judges what the API origin answered: /version, /instance_name, /api/check_admin_key and the sync websocket.</summary>
public static class BackendChecks
{
    public const string Version = "version";
    public const string InstanceName = "instance-name";
    public const string AdminKey = "admin-key";
    public const string Websocket = "websocket";

    /// <summary>The client version put in the sync path; the backend parses it as an npm client's semver.</summary>
    public const string SyncClientVersion = "1.29.0";

    public static string SyncPath => $"/api/{SyncClientVersion}/sync";

    public static CheckResult CheckVersion(HttpObservation seen)
    {
        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(Version, "GET /version", seen.Url, failure, seen.FailureMessage);
        }

        var body = seen.Body.Trim();
        return seen.Status switch
        {
            200 when body.Length > 0 && body.Length < 200 && !body.Contains('<', StringComparison.Ordinal) =>
                CheckResult.Pass(Version, $"backend answers, version {body}"),
            200 => CheckResult.Fail(Version, "GET /version answered 200 but not with a version string",
                "apiUrl reaches something other than the Convex backend (e.g. the dashboard on 6791)",
                "route the API hostname to the backend's port 3210 in the proxy"),
            _ => StatusFailure(Version, "GET /version", seen.Status!.Value, "3210"),
        };
    }

    public static CheckResult CheckInstanceName(HttpObservation seen, string? expected)
    {
        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(InstanceName, "GET /instance_name", seen.Url, failure, seen.FailureMessage);
        }

        if (seen.Status != 200)
        {
            return StatusFailure(InstanceName, "GET /instance_name", seen.Status!.Value, "3210");
        }

        var actual = seen.Body.Trim();
        if (expected is null)
        {
            return CheckResult.Skip(InstanceName, $"backend is '{actual}'; no expected name to compare (give --instance-name or the stack outputs)");
        }

        return actual == expected
            ? CheckResult.Pass(InstanceName, $"backend is '{actual}' as expected")
            : CheckResult.Fail(InstanceName, $"backend is '{actual}', expected '{expected}'",
                "a different backend answers at this URL, or its container runs with another INSTANCE_NAME (e.g. from an old credentials volume)",
                $"point the API hostname at the stack's backend, or set INSTANCE_NAME={expected} on its container and restart it; never rename a live instance");
    }

    /// <param name="adminKey">The key, or null when none was given.</param>
    /// <param name="keyUnavailableReason">Why there is no key (e.g. redacted outputs); used for the skip line.</param>
    /// <param name="deploymentName">The backend's own /instance_name answer, else the expected name, else null.</param>
    public static CheckResult CheckAdminKey(HttpObservation? seen, string? adminKey, string? keyUnavailableReason, string? deploymentName)
    {
        if (adminKey is null || seen is null)
        {
            return CheckResult.Skip(AdminKey, keyUnavailableReason ?? "no admin key given (--admin-key or adminKey in the outputs)");
        }

        if (seen.Failure is { } failure)
        {
            return TransportCauses.Fail(AdminKey, "GET /api/check_admin_key", seen.Url, failure, seen.FailureMessage);
        }

        var (code, message) = ErrorBody(seen.Body);
        switch (seen.Status)
        {
            case 200 when IsReadOnly(seen.Body):
                return CheckResult.Warn(AdminKey, "key accepted, but it is read-only",
                    "the key was issued read-only", "use a full admin key for npx convex deploy (the stack output adminKey)");
            case 200 when HasSuccessTrue(seen.Body):
                return CheckResult.Pass(AdminKey, "key accepted by /api/check_admin_key");
            case 200:
                return CheckResult.Fail(AdminKey, "GET /api/check_admin_key answered 200 without {\"success\": true}",
                    "apiUrl reaches something other than the Convex backend",
                    "route the API hostname to the backend's port 3210 in the proxy");
            case 401 or 403 when code is "BadAdminKey" or null or "BadDeployKey":
                return DiagnoseBadKey(seen.Status.Value, code, adminKey, deploymentName);
            case 403:
                return CheckResult.Fail(AdminKey, $"403 {code}: {message}",
                    "the key is valid but not allowed to use the deployment (member key without permissions)",
                    "use the stack's admin key (pulumi stack output adminKey --show-secrets)");
            case 400:
                return CheckResult.Fail(AdminKey, $"400 {code}: {message}",
                    "the backend could not read the Authorization header (a proxy rewrote it, or the key has stray characters)",
                    "pass the key exactly as the stack output gives it; make sure the proxy forwards the Authorization header unchanged");
            default:
                return StatusFailure(AdminKey, "GET /api/check_admin_key", seen.Status!.Value, "3210");
        }
    }

    public static CheckResult CheckWebsocket(WebsocketObservation seen)
    {
        if (seen.Upgraded)
        {
            return CheckResult.Pass(Websocket, $"upgraded to a websocket at {seen.Url}");
        }

        if (seen.Status is { } status)
        {
            return CheckResult.Fail(Websocket, $"{seen.Url} answered {status} instead of 101 Switching Protocols",
                status is 404 or 400 or 426 or 405
                    ? "the proxy does not pass websocket upgrades through (Upgrade/Connection headers), or routes /api/*/sync elsewhere"
                    : $"the proxy or backend refused the upgrade with {status}",
                "Caddy and ALB pass upgrades natively; nginx needs proxy_http_version 1.1 and proxy_set_header Upgrade $http_upgrade / Connection \"upgrade\"");
        }

        return TransportCauses.Fail(Websocket, "websocket upgrade", seen.Url, seen.Failure ?? TransportFailureKind.Other, seen.FailureMessage);
    }

    private static CheckResult DiagnoseBadKey(int status, string? code, string adminKey, string? deploymentName)
    {
        var detail = $"{status} {code ?? "(no error code)"}: the backend rejects the key";
        var keyName = AdminKeyPrefix.InstanceNameOf(adminKey);
        if (keyName is null)
        {
            return CheckResult.Fail(AdminKey, detail,
                "the key has no '<instance name>|' prefix: it is a legacy-format key, or not an admin key at all",
                "use the stack output adminKey (pulumi stack output adminKey --show-secrets)");
        }

        if (deploymentName is not null && keyName != deploymentName)
        {
            return CheckResult.Fail(AdminKey, detail,
                $"wrong instance name: the key is for instance '{keyName}', the deployment is '{deploymentName}'",
                $"use the admin key of the stack whose instanceName is '{deploymentName}' (pulumi stack output adminKey --show-secrets --stack STACK)");
        }

        return CheckResult.Fail(AdminKey, detail,
            deploymentName is null
                ? $"the key is for instance '{keyName}' but the backend rejects it: it was made with a different instance secret, or for another instance"
                : $"the instance name matches ('{keyName}'), so the key was made with a different instance secret (secret rotated, or key from another stack)",
            "re-read the current key with: pulumi stack output adminKey --show-secrets; if INSTANCE_SECRET on the backend was changed by hand, redeploy so it matches the stack");
    }

    private static CheckResult StatusFailure(string check, string what, int status, string port) => status switch
    {
        502 or 503 or 504 => CheckResult.Fail(check, $"{what} answered {status}",
            $"the proxy is up but gets no answer from the container on port {port} (container stopped, starting, or crashed)",
            "look at the backend's logs (convex-infra logs --stack NAME --container backend); retry with --wait 5m right after a deploy"),
        404 => CheckResult.Fail(check, $"{what} answered 404",
            $"this URL does not reach the Convex backend (the proxy routes the hostname to another port than {port})",
            $"route the API hostname to port {port} in the proxy and check the URL"),
        _ => CheckResult.Fail(check, $"{what} answered {status}",
            "the backend or a proxy in front of it returned an unexpected status",
            "check the proxy and backend logs for this request"),
    };

    private static (string? Code, string? Message) ErrorBody(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static bool IsReadOnly(string body) => HasTrue(body, "isReadOnly");

    private static bool HasSuccessTrue(string body) => HasTrue(body, "success");

    private static bool HasTrue(string body, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty(property, out var flag) && flag.ValueKind == JsonValueKind.True;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
