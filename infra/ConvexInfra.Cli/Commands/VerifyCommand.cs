using System.CommandLine;
using System.Globalization;
using ConvexInfra.Cli.Outputs;
using ConvexInfra.Cli.Verify;
using ConvexInfra.Core.Outputs;
using ConvexInfra.Core.Verify;

namespace ConvexInfra.Cli.Commands;

/// <summary><c>convex-infra verify</c>: live checks of a deployed stack, one line per check, CI-friendly exit codes.</summary>
public sealed class VerifyCommand : ICliCommand
{
    private static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public string Name => "verify";

    public string Summary => "Check a live deployment: version, instance name, admin key, deployed functions, websocket, HTTP actions, dashboard, TLS, redirects.";

    public Command Build(CliConsole console)
    {
        var outputs = new StackOutputsOptions();
        var apiUrl = CliKit.Text("--api-url", "URL", "the API URL (overrides apiUrl from the outputs)");
        var siteUrl = CliKit.Text("--site-url", "URL", "the HTTP actions URL (overrides siteUrl)");
        var dashboardUrl = CliKit.Text("--dashboard-url", "URL", "the dashboard URL (overrides dashboardUrl)");
        var adminKey = CliKit.Text("--admin-key", "KEY", "the admin key (overrides adminKey; default $CONVEX_SELF_HOSTED_ADMIN_KEY)");
        var instanceName = CliKit.Text("--instance-name", "NAME", "the expected instance name (overrides instanceName)");
        var expectFunction = CliKit.Text("--expect-function", "NAME", "also require this function to be deployed, e.g. messages:list (module path, ':', export)");
        var allowNoFunctions = CliKit.Flag("--allow-no-functions", "a backend with no functions deployed yet is WARN, not FAIL (CI, before the app's first deploy)");
        var caFile = CliKit.Text("--ca-file", "PEM", "also trust the CA certificates in PEM (private CA, tests); never needed for public certificates");
        var wait = CliKit.Text("--wait", "DURATION", "retry until healthy or DURATION has passed, e.g. 5m (for CI right after a deploy)");
        var interval = CliKit.Text("--interval", "DURATION", "pause between attempts with --wait (default 5s)");
        var timeout = CliKit.Text("--timeout", "DURATION", "per request (default 10s)");
        var httpPort = CliKit.Text("--http-port", "PORT", "port where plain HTTP should redirect to HTTPS (default 80)");
        var json = CliKit.Flag("--json", "print the report as JSON");
        var command = CliKit.Verb(Name, Summary, $"""
            Checks a live deployment and prints one line per check: PASS, WARN, SKIP or FAIL, and for a
            failure its likely cause and fix. Checks that do not apply (TLS of an http:// URL, a URL that was
            not given) are SKIP, not FAIL. Give the stack outputs (--from, --stack) or at least --api-url.
              version        GET <api>/version answers
              instance-name  GET <api>/instance_name equals the expected instance name
              admin-key      GET <api>/api/check_admin_key accepts the key (Authorization: Convex <key>); a
                             rejected key is diagnosed as "wrong instance name" or "different instance secret"
              functions      POST <api>/api/query {FunctionChecks.ApiSpecFunction} (what npx convex function-spec runs)
                             lists at least one deployed function ("{FunctionChecks.NoneDeployed}"),
                             and the one of --expect-function (none at all is WARN with
                             --allow-no-functions)
              websocket      a real websocket upgrade on <api>{BackendChecks.SyncPath}
              http-actions   the site URL answers (any status below 500)
              dashboard      the dashboard URL answers 2xx/3xx
              tls HOST       the certificate of each https hostname is trusted, matches, and its days to expiry
              redirect HOST  http://HOST/ redirects to https://HOST/

            Exit codes: 0 healthy (every check passed, warned or was skipped), 1 a check failed or bad input
            (unreadable outputs, missing --ca-file), 2 usage error.

            Examples:
              convex-infra verify --stack prod --wait 5m
              pulumi stack output --json --show-secrets | convex-infra verify --from - --json
              convex-infra verify --api-url http://127.0.0.1:3210 --instance-name convex-local --expect-function messages:list
            """);
        outputs.AddTo(command);
        foreach (var option in new Option[] { apiUrl, siteUrl, dashboardUrl, adminKey, instanceName, expectFunction, allowNoFunctions, caFile, wait, interval, timeout, httpPort, json })
        {
            command.Options.Add(option);
        }

        CliKit.Run(command, console, (result, cancellationToken) => RunAsync(console, new VerifyArgs(
            outputs.Read(result),
            UrlOption(result, apiUrl),
            UrlOption(result, siteUrl),
            UrlOption(result, dashboardUrl),
            result.GetValue(adminKey),
            result.GetValue(instanceName),
            result.GetValue(expectFunction),
            result.GetValue(allowNoFunctions),
            result.GetValue(caFile),
            DurationOption(result, wait, TimeSpan.Zero),
            DurationOption(result, interval, DefaultInterval),
            DurationOption(result, timeout, DefaultTimeout),
            PortOption(result, httpPort),
            result.GetValue(json)), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, VerifyArgs a, CancellationToken cancellationToken)
    {
        var (input, apiUrl, siteUrl, dashboardUrl, adminKey, instanceName, expectFunction, allowNoFunctions, caFile, wait, interval, timeout, httpPort, json) = a;
        if (!input.Given && apiUrl is null)
        {
            throw new UsageException("give the stack outputs (--from FILE, --from - or --stack NAME) or at least --api-url URL");
        }

        if (timeout <= TimeSpan.Zero)
        {
            throw new UsageException("--timeout must be more than 0, e.g. --timeout 10s");
        }

        try
        {
            var outputs = input.Given ? await input.LoadAsync(console, cancellationToken) : null;
            var key = adminKey ?? (outputs?.AdminKey.State == AdminKeyState.Present ? outputs.AdminKey.Value : null)
                ?? NonEmpty(console.GetEnvironmentVariable("CONVEX_SELF_HOSTED_ADMIN_KEY"));
            var target = new VerifyTarget(
                apiUrl ?? outputs!.ApiUrl,
                siteUrl ?? outputs?.SiteUrl,
                dashboardUrl ?? outputs?.DashboardUrl,
                key,
                key is null && outputs?.AdminKey.State == AdminKeyState.Redacted
                    ? "adminKey in the outputs is \"[secret]\": export them with --show-secrets, or pass --admin-key"
                    : null,
                instanceName ?? outputs?.InstanceName,
                httpPort)
            {
                ExpectFunction = expectFunction,
                AllowNoFunctions = allowNoFunctions,
            };

            using var trust = caFile is null ? TrustPolicy.System() : TrustPolicy.WithCaFile(Path.GetFullPath(caFile, console.WorkingDirectory));
            using var probes = new Probes(trust, timeout);
            var (results, attempts) = await RunUntilHealthyAsync(target, probes, wait, interval, console, cancellationToken);
            await console.Out.WriteAsync(json ? VerifyReport.Json(results, attempts) : VerifyReport.Text(results));
            return VerifyReport.Healthy(results) ? ExitCodes.Ok : ExitCodes.Failed;
        }
        catch (Exception e) when (e is StackOutputsException or InputException)
        {
            await console.Error.WriteLineAsync($"convex-infra verify: {e.Message}");
            return ExitCodes.Failed;
        }
    }

    private static async Task<(IReadOnlyList<CheckResult> Results, int Attempts)> RunUntilHealthyAsync(
        VerifyTarget target, Probes probes, TimeSpan wait, TimeSpan interval, CliConsole console, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + wait;
        for (var attempt = 1; ; attempt++)
        {
            var results = await LiveChecks.RunAsync(target, probes, DateTimeOffset.UtcNow, cancellationToken);
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (VerifyReport.Healthy(results) || remaining <= TimeSpan.Zero)
            {
                return (results, attempt);
            }

            var failed = string.Join(", ", results.Where(r => r.Status == CheckStatus.Fail).Select(r => r.Name));
            var pause = interval < remaining ? interval : remaining;
            await console.Error.WriteLineAsync(
                $"convex-infra verify: attempt {attempt}: not healthy yet ({failed}); retrying in {pause.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s");
            await Task.Delay(pause, cancellationToken);
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static Uri? UrlOption(ParseResult result, Option<string> option)
    {
        var name = option.Name;
        var text = result.GetValue(option);
        if (text is null)
        {
            return null;
        }

        return Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
            ? url
            : throw new UsageException($"{name}: '{text}' is not an absolute http(s) URL; e.g. {name} https://api.convex.example.com");
    }

    private static TimeSpan DurationOption(ParseResult result, Option<string> option, TimeSpan fallback)
    {
        var name = option.Name;
        var text = result.GetValue(option);
        try
        {
            return text is null ? fallback : DurationText.Parse(name, text);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }
    }

    private static int PortOption(ParseResult result, Option<string> option)
    {
        var name = option.Name;
        var text = result.GetValue(option);
        if (text is null)
        {
            return 80;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new UsageException($"{name}: '{text}' is not a port number; expected 1-65535, e.g. {name} 80");
    }
}

internal sealed record VerifyArgs(
    StackOutputsInput Input,
    Uri? ApiUrl,
    Uri? SiteUrl,
    Uri? DashboardUrl,
    string? AdminKey,
    string? InstanceName,
    string? ExpectFunction,
    bool AllowNoFunctions,
    string? CaFile,
    TimeSpan Wait,
    TimeSpan Interval,
    TimeSpan Timeout,
    int HttpPort,
    bool Json)
{
    public override string ToString() => $"VerifyArgs({ApiUrl}, key {(AdminKey is null ? "none" : "given")})";
}
